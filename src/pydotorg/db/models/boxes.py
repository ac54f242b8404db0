"""Admin-editable content snippets, addressed by label."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    Versioned,
    markup_rendered_column,
    markup_type_column,
)


class Box(Versioned, ContentManageable, Base):
    __tablename__ = "boxes_box"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"content": MarkupSpec()}

    label: Mapped[str] = mapped_column(String(100), unique=True)
    content: Mapped[str] = mapped_column(Text, default="")
    content_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    content_rendered: Mapped[str] = markup_rendered_column("content")

    def __str__(self) -> str:
        return self.label
