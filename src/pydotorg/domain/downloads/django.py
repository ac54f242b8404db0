"""Operating systems, releases and release files, ids unchanged (release tooling addresses them by id)."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import OS, Release, ReleaseFile

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("downloads_os", table_of(OS), changed_column="updated"),
    DjangoTable("downloads_release", table_of(Release), changed_column="updated"),
    DjangoTable("downloads_releasefile", table_of(ReleaseFile), changed_column="updated"),
)
