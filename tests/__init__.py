"""The test suite: it mirrors the ``sim`` package."""
