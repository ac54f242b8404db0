"""Success stories (Django's ``successstories``): categories and stories, submitted by users, published by staff."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    NameSlug,
    markup_rendered_column,
    markup_type_column,
)
from pydotorg.db.models.companies import Company


class StoryCategory(NameSlug, Base):
    __tablename__ = "successstories_storycategory"

    @property
    def absolute_url(self) -> str:
        return f"/success-stories/category/{self.slug}/"


class Story(ContentManageable, NameSlug, Base):
    __tablename__ = "successstories_story"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"content": MarkupSpec()}

    company_name: Mapped[str] = mapped_column(String(500))
    company_url: Mapped[str] = mapped_column(String(200))
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies_company.id", ondelete="SET NULL"), nullable=True, index=True
    )
    category_id: Mapped[int] = mapped_column(
        ForeignKey("successstories_storycategory.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(500))
    author_email: Mapped[str | None] = mapped_column(String(100), nullable=True)
    pull_quote: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text, default="")
    content_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    content_rendered: Mapped[str] = markup_rendered_column("content")
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    #: "Use in the supernav": the published, featured stories feed the menu box and the home page.
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    #: A path under the media root (``successstories/<file>``).
    image: Mapped[str | None] = mapped_column(String(100), nullable=True)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users_user.id", ondelete="SET NULL"), nullable=True, index=True
    )

    category: Mapped[StoryCategory] = relationship(lazy="raise")
    company: Mapped[Company | None] = relationship(lazy="raise")

    @property
    def absolute_url(self) -> str:
        return f"/success-stories/{self.slug}/"

    @property
    def display_company_name(self) -> str:
        """Django's ``get_company_name``: the linked company's name wins."""
        return self.company.name if self.company_id and self.company is not None else self.company_name

    @property
    def display_company_url(self) -> str:
        return (self.company.url or "") if self.company_id and self.company is not None else self.company_url
