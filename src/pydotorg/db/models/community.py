"""Community posts (Django's ``community``): text, photo, video or link posts with their attached rows."""

from __future__ import annotations

import enum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from pydotorg.db.base import Base, ContentManageable, MarkupSpec, markup_rendered_column, markup_type_column


class MediaType(enum.IntEnum):
    TEXT = 1
    PHOTO = 2
    VIDEO = 3
    LINK = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class PostStatus(enum.IntEnum):
    PRIVATE = 1
    PUBLIC = 2


class Post(ContentManageable, Base):
    __tablename__ = "community_post"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"content": MarkupSpec()}

    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    content: Mapped[str] = mapped_column(Text, default="")
    content_markup_type: Mapped[str] = markup_type_column("html")
    content_rendered: Mapped[str] = markup_rendered_column("content")
    abstract: Mapped[str | None] = mapped_column(Text, nullable=True)
    media_type: Mapped[int] = mapped_column(Integer, default=MediaType.TEXT)
    source_url: Mapped[str] = mapped_column(String(1000), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[int] = mapped_column(Integer, default=PostStatus.PRIVATE, index=True)

    links: Mapped[list[Link]] = relationship(back_populates="post", lazy="raise", order_by="Link.id")
    photos: Mapped[list[Photo]] = relationship(back_populates="post", lazy="raise", order_by="Photo.id")
    videos: Mapped[list[Video]] = relationship(back_populates="post", lazy="raise", order_by="Video.id")

    def __str__(self) -> str:
        return self.title or f"Post {self.id}"

    @property
    def absolute_url(self) -> str:
        return f"/community/{self.id}/"

    @property
    def kind(self) -> str:
        try:
            return MediaType(self.media_type).label
        except ValueError:
            return "text"


class _Attached(ContentManageable):
    @declared_attr
    def post_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("community_post.id", ondelete="CASCADE"), nullable=True, index=True)


class Link(_Attached, Base):
    __tablename__ = "community_link"

    url: Mapped[str] = mapped_column(String(1000))

    post: Mapped[Post | None] = relationship(back_populates="links", lazy="raise")


class Photo(_Attached, Base):
    __tablename__ = "community_photo"

    #: A path under the media root (``community/photos/<file>``).
    image: Mapped[str] = mapped_column(String(100), default="")
    image_url: Mapped[str] = mapped_column(String(1000), default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    click_through_url: Mapped[str] = mapped_column(String(200), default="")

    post: Mapped[Post | None] = relationship(back_populates="photos", lazy="raise")


class Video(_Attached, Base):
    __tablename__ = "community_video"

    video_embed: Mapped[str] = mapped_column(Text, default="")
    #: A path under the media root (``community/videos/<file>``).
    video_data: Mapped[str] = mapped_column(String(100), default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    click_through_url: Mapped[str] = mapped_column(String(200), default="")

    post: Mapped[Post | None] = relationship(back_populates="videos", lazy="raise")
