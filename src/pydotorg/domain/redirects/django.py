"""django.contrib.redirects: one site, so ``site_id`` is dropped; an empty ``new_path`` answers 410 Gone here too."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Redirect

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("django_redirect", table_of(Redirect), select="SELECT id, old_path, new_path FROM django_redirect"),
)
