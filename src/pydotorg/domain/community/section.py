"""Community posts: the ``/community/`` landing page, public posts, their admin and the importer's mappings."""

import json

from sqlalchemy import Connection, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.django import DjangoTable, Row, table_of
from pydotorg.db.models import Link, Photo, Post, Video
from pydotorg.db.models.community import MediaType, PostStatus
from pydotorg.domain.admin.registry import ModelAdmin, Upload, image_upload, register
from pydotorg.domain.community.controllers import CommunityController
from pydotorg.lib.sitemap import SitemapEntry
from pydotorg.web.changes import invalidates
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section

VIDEO_TYPES = frozenset({".mp4", ".webm", ".ogv"})

register(
    ModelAdmin(
        model=Post,
        app_label="community",
        model_name="post",
        verbose_name="post",
        verbose_name_plural="posts",
        list_display=["title", "media_type", "status", "created"],
        search_fields=["title", "content"],
        list_filter=["status", "media_type"],
        ordering="-created",
        fields=["title", "content", "content_markup_type", "abstract", "media_type", "source_url", "status"],
        choices={
            "media_type": [(m.value, m.label) for m in MediaType],
            "status": [(PostStatus.PRIVATE.value, "private"), (PostStatus.PUBLIC.value, "public")],
        },
        related=[
            ("Links", "community.link", "post_id"),
            ("Photos", "community.photo", "post_id"),
            ("Videos", "community.video", "post_id"),
        ],
    )
)
register(
    ModelAdmin(
        model=Link,
        app_label="community",
        model_name="link",
        verbose_name="link",
        verbose_name_plural="links",
        list_display=["url", "post_id"],
        search_fields=["url"],
        fields=["post_id", "url"],
        fk_select={"post_id": Post},
    )
)
register(
    ModelAdmin(
        model=Photo,
        app_label="community",
        model_name="photo",
        verbose_name="photo",
        verbose_name_plural="photos",
        list_display=["caption", "post_id"],
        search_fields=["caption"],
        fields=["post_id", "image", "image_url", "caption", "click_through_url"],
        fk_select={"post_id": Post},
        uploads={"image": image_upload("community/photos")},
    )
)
register(
    ModelAdmin(
        model=Video,
        app_label="community",
        model_name="video",
        verbose_name="video",
        verbose_name_plural="videos",
        list_display=["caption", "post_id"],
        search_fields=["caption"],
        fields=["post_id", "video_embed", "video_data", "caption", "click_through_url"],
        fk_select={"post_id": Post},
        uploads={"video_data": Upload("community/videos", VIDEO_TYPES, max_bytes=200 * 1024 * 1024)},
    )
)


def _meta(row: Row) -> Row:
    """Django's ``meta`` is jsonb, which the driver hands over as text."""
    if isinstance(row.get("meta"), str):
        row["meta"] = json.loads(row["meta"])
    return row


async def community_sitemap(session: AsyncSession) -> list[SitemapEntry]:
    rows = await session.execute(
        select(Post.id, Post.updated).where(Post.status == PostStatus.PUBLIC).order_by(Post.id)
    )
    return [SitemapEntry("/community/")] + [SitemapEntry(f"/community/{pk}/", updated) for pk, updated in rows]


SECTION = Section(
    name="community",
    pages=[CommunityController],
    sitemaps={"community": community_sitemap},
    django_tables=(
        DjangoTable("community_post", table_of(Post), changed_column="updated", transform=_meta),
        DjangoTable("community_link", table_of(Link), changed_column="updated"),
        DjangoTable("community_photo", table_of(Photo), changed_column="updated", media=("image",)),
        DjangoTable("community_video", table_of(Video), changed_column="updated", media=("video_data",)),
    ),
)

invalidates(Post, keys=["community"], urls=lambda post: [post.absolute_url, "/community/"])
for model in (Link, Photo, Video):
    invalidates(model, keys=["community"])


def _post_doc(_conn: Connection, post: Post) -> Doc | None:
    if post.status != PostStatus.PUBLIC:
        return None
    return Doc(
        post.absolute_url, post.title or post.abstract or f"Community post {post.id}", plain_text(post.content_rendered)
    )


indexes(Post, "post", _post_doc)
