"""The notebooks, run top to bottom with small settings."""
