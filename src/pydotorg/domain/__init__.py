"""One package per python.org section."""
