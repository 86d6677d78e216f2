"""halint: a static compiler and linter for high-availability configuration repositories."""

__version__ = "0.1.0"
