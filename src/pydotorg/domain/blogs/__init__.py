"""Blogs at ``/blogs/``: the Python Insider mirror, feed aggregates and related blogs."""
