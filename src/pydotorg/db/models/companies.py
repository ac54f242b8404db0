"""Companies (Django's ``companies`` app): named by success stories and shown with their logo."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, MarkupSpec, NameSlug, markup_rendered_column, markup_type_column


class Company(NameSlug, Base):
    __tablename__ = "companies_company"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"about": MarkupSpec()}

    about: Mapped[str] = mapped_column(Text, default="")
    about_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    about_rendered: Mapped[str] = markup_rendered_column("about")
    contact: Mapped[str | None] = mapped_column(String(100), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    url: Mapped[str | None] = mapped_column(String(200), nullable=True)
    #: A path under the media root (``companies/<file>``).
    logo: Mapped[str | None] = mapped_column(String(100), nullable=True)
