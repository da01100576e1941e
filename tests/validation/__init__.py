"""Analytic checks of the model against search theory."""
