"""Blogs (Django's ``blogs``): imported feeds, their entries, feed aggregates and related blogs."""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base, ContentManageable, association_table, utcnow

feedaggregate_feeds = association_table(
    "blogs_feedaggregate_feeds", ("feedaggregate_id", "blogs_feedaggregate"), ("feed_id", "blogs_feed")
)


class Feed(Base):
    __tablename__ = "blogs_feed"

    name: Mapped[str] = mapped_column(String(200))
    website_url: Mapped[str] = mapped_column(String(200))
    feed_url: Mapped[str] = mapped_column(String(200))
    last_import: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)

    def __str__(self) -> str:
        return self.name


class BlogEntry(Base):
    __tablename__ = "blogs_blogentry"

    title: Mapped[str] = mapped_column(String(200))
    #: The entry's HTML, sanitised when it is imported.
    summary: Mapped[str] = mapped_column(Text, default="")
    pub_date: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, index=True)
    url: Mapped[str] = mapped_column(String(200), index=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("blogs_feed.id", ondelete="CASCADE"), index=True)

    feed: Mapped[Feed] = relationship(lazy="raise")

    def __str__(self) -> str:
        return self.title


class FeedAggregate(Base):
    """Feeds grouped by staff for a content block (``psf-news`` on the PSF pages)."""

    __tablename__ = "blogs_feedaggregate"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    feeds: Mapped[list[Feed]] = relationship(secondary=feedaggregate_feeds, lazy="raise", order_by="Feed.name")

    def __str__(self) -> str:
        return self.name


class RelatedBlog(ContentManageable, Base):
    __tablename__ = "blogs_relatedblog"

    name: Mapped[str] = mapped_column(String(100))
    feed_url: Mapped[str] = mapped_column(String(200))
    blog_url: Mapped[str] = mapped_column(String(200))
    blog_name: Mapped[str] = mapped_column(String(200))
    last_entry_published: Mapped[datetime.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, index=True
    )
    last_entry_title: Mapped[str] = mapped_column(String(500), default="")

    def __str__(self) -> str:
        return self.name
