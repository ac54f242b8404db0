"""The site-wide banners."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Banner

DJANGO_TABLES: tuple[DjangoTable, ...] = (DjangoTable("banners_banner", table_of(Banner)),)
