"""python.org, rebuilt on Litestar."""

__version__ = "0.1.0"
