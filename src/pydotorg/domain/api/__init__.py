"""The public JSON APIs: /api/v1/ (tastypie wire format) and /api/v2/ (Django REST framework wire format)."""
