"""The menu tree (Django's sitetree): the main menu, the top bar and the footer (admin only)."""

from pydotorg.db.models.navigation import Menu, MenuItem
from pydotorg.domain.navigation import admin  # noqa: F401  (register the admin)
from pydotorg.domain.navigation.django import DJANGO_TABLES
from pydotorg.web.changes import invalidates
from pydotorg.web.section import Section

SECTION = Section(django_tables=DJANGO_TABLES, name="navigation")

for model in (Menu, MenuItem):
    invalidates(model, site_content=True)
