"""The redirects table (Django's ``django_redirect``), served by the 404 fallback (admin only)."""

from pydotorg.domain.redirects import admin  # noqa: F401  (register the admin)
from pydotorg.web.section import Section

SECTION = Section(name="redirects")
