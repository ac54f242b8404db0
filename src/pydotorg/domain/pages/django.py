"""CMS pages with their images and documents (files copied from ``--media-root``)."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Page, PageDocument, PageImage

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("pages_page", table_of(Page), changed_column="updated", ours_only=("version",)),
    DjangoTable("pages_image", table_of(PageImage), media=("image",)),
    DjangoTable("pages_documentfile", table_of(PageDocument), media=("document",)),
)
