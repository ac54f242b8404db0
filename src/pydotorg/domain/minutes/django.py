"""Django's board minutes, ids unchanged."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Minutes

DJANGO_TABLES: tuple[DjangoTable, ...] = (DjangoTable("minutes_minutes", table_of(Minutes), changed_column="updated"),)
