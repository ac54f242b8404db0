"""What a page that renders a form declares: its routes get the CSRF cookie (see ``server/security.py``)."""

from __future__ import annotations

from typing import Any

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Route ``opt`` key of pages that render a form (they get the CSRF cookie).
FORM_KEY = "form"
FORM: dict[str, Any] = {FORM_KEY: True}
#: The CSRF cookie's name (Django's): the token changes at login.
CSRF_COOKIE = "csrftoken"
