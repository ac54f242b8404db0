"""The boxes (page fragments edited in the admin)."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Box

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("boxes_box", table_of(Box), changed_column="updated", ours_only=("version",)),
)
