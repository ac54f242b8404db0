"""The redirects tables (Django's ``django_redirect`` and the legacy nginx rules), served by the 404 fallback
(admin only)."""

from pydotorg.db.models.redirects import LegacyRedirect, Redirect
from pydotorg.domain.redirects import admin  # noqa: F401  (register the admin)
from pydotorg.domain.redirects.django import DJANGO_TABLES
from pydotorg.web.changes import invalidates
from pydotorg.web.section import Section

SECTION = Section(django_tables=DJANGO_TABLES, name="redirects")

invalidates(Redirect, urls=lambda redirect: [redirect.old_path])
# A regular expression's paths cannot be listed; 404 pages are cached by clients for five minutes only.
invalidates(LegacyRedirect, urls=lambda rule: [] if rule.match == "regex" else [rule.pattern])
