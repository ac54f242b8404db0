"""Code samples: the home page's carousel (admin-edited; no pages of their own, as on python.org)."""
