"""PSF board meeting minutes (Django's ``minutes``): one page per meeting date."""

from __future__ import annotations

import datetime
from typing import ClassVar

from sqlalchemy import Boolean, Date, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, ContentManageable, MarkupSpec, markup_rendered_column, markup_type_column


class Minutes(ContentManageable, Base):
    __tablename__ = "minutes_minutes"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"content": MarkupSpec()}

    date: Mapped[datetime.date] = mapped_column(Date, index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    content_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    content_rendered: Mapped[str] = markup_rendered_column("content")
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    def __str__(self) -> str:
        return f"PSF Meeting Minutes {self.date:%B} {self.date.day:02d}, {self.date.year}"

    @property
    def absolute_url(self) -> str:
        return f"/psf/records/board/minutes/{self.date:%Y-%m-%d}/"
