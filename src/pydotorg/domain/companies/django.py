"""Django's companies, ids unchanged (success stories point at them); logos are copied from ``--media-root``."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Company

DJANGO_TABLES: tuple[DjangoTable, ...] = (DjangoTable("companies_company", table_of(Company), media=("logo",)),)
