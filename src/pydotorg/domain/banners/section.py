"""Banners: site-wide notices shown in the layout (admin only)."""

from pydotorg.db.models.banners import Banner
from pydotorg.domain.banners import admin  # noqa: F401  (register the admin)
from pydotorg.domain.banners.django import DJANGO_TABLES
from pydotorg.web.changes import invalidates
from pydotorg.web.section import Section

SECTION = Section(django_tables=DJANGO_TABLES, name="banners")

invalidates(Banner, site_content=True)
