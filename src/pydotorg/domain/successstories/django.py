"""Django's success stories and their categories, ids unchanged; story images are copied from ``--media-root``."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Story, StoryCategory

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("successstories_storycategory", table_of(StoryCategory)),
    DjangoTable("successstories_story", table_of(Story), media=("image",), changed_column="updated"),
)
