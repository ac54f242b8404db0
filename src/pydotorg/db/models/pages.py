"""CMS pages served by the catch-all, with their uploaded images and documents."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    Versioned,
    markup_rendered_column,
    markup_type_column,
)

DEFAULT_TEMPLATE = "pages/default.html"
RAW_TEMPLATE = "pages/raw.html"
#: The templates a page may name (empty means the default); anything else would be a 500, or a path outside.
PAGE_TEMPLATES = ("", DEFAULT_TEMPLATE, RAW_TEMPLATE)


class Page(Versioned, ContentManageable, Base):
    __tablename__ = "pages_page"
    # Page editors are trusted: html and markdown_unsafe keep their raw HTML, as on the Django site.
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"content": MarkupSpec(trusted=True)}

    title: Mapped[str] = mapped_column(String(500))
    keywords: Mapped[str] = mapped_column(String(1000), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(String(500), unique=True, index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    content_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    content_rendered: Mapped[str] = markup_rendered_column("content")
    is_published: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    content_type: Mapped[str] = mapped_column(String(150), default="text/html")
    template_name: Mapped[str] = mapped_column(String(100), default="")

    images: Mapped[list[PageImage]] = relationship(back_populates="page", cascade="all, delete-orphan", lazy="selectin")
    documents: Mapped[list[PageDocument]] = relationship(
        back_populates="page", cascade="all, delete-orphan", lazy="selectin"
    )

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/{self.path}/"

    @property
    def template(self) -> str:
        return self.template_name or DEFAULT_TEMPLATE


class PageImage(Base):
    __tablename__ = "pages_image"

    page_id: Mapped[int] = mapped_column(ForeignKey("pages_page.id", ondelete="CASCADE"), index=True)
    image: Mapped[str] = mapped_column(String(400))
    page: Mapped[Page] = relationship(back_populates="images")


class PageDocument(Base):
    __tablename__ = "pages_documentfile"

    page_id: Mapped[int] = mapped_column(ForeignKey("pages_page.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(String(400))
    page: Mapped[Page] = relationship(back_populates="documents")
