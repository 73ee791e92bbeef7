"""The package version, at the base of the layers so that every layer can name it (the
result cache keys on it; reports print it)."""

__version__ = "0.1.0"
