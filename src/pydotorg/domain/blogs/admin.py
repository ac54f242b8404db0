"""Admin registrations of the blog feeds, entries, aggregates and related blogs, with "sync now"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Response
from litestar.exceptions import PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import BlogEntry, Feed, FeedAggregate, RelatedBlog
from pydotorg.domain.admin.registry import ManyToMany, ModelAdmin, register
from pydotorg.domain.blogs.services import BlogsJob
from pydotorg.domain.users.auth import current_user, has_perm
from pydotorg.web.changes import after_commit


async def _sync_now(request: Any, db_session: AsyncSession, _rows: Sequence[Any]) -> Response[Any]:
    """Django's "Sync new blog entries": here the job is queued (it downloads every feed) and runs at once."""
    me = current_user(request)
    if me is None or not await has_perm(request, me, "blogs.change_blogentry"):
        raise PermissionDeniedException("You need the 'blogs.change_blogentry' permission.")
    after_commit(db_session, BlogsJob.UPDATE)
    await db_session.commit()
    flash(request, "The blog feeds are being read; new entries appear in a moment.", category="success")
    return Redirect("/admin/blogs/blogentry/")


register(
    ModelAdmin(
        model=BlogEntry,
        app_label="blogs",
        model_name="blogentry",
        verbose_name="blog entry",
        verbose_name_plural="blog entries",
        list_display=["title", "pub_date", "feed_id", "url"],
        search_fields=["title", "url"],
        ordering="-pub_date",
        fields=["title", "summary", "pub_date", "url", "feed_id"],
        fk_select={"feed_id": Feed},
        actions={"sync_now": ("Sync new blog entries", _sync_now)},
    )
)
register(
    ModelAdmin(
        model=Feed,
        app_label="blogs",
        model_name="feed",
        verbose_name="feed",
        verbose_name_plural="feeds",
        list_display=["name", "feed_url", "last_import"],
        search_fields=["name", "feed_url"],
        ordering="name",
        fields=["name", "website_url", "feed_url"],
        readonly_fields=["last_import"],
        actions={"sync_now": ("Sync new blog entries", _sync_now)},
    )
)
register(
    ModelAdmin(
        model=FeedAggregate,
        app_label="blogs",
        model_name="feedaggregate",
        verbose_name="feed aggregate",
        verbose_name_plural="feed aggregates",
        list_display=["name", "slug"],
        search_fields=["name", "slug"],
        ordering="name",
        fields=["name", "slug", "description", "feeds"],
        many_to_many={"feeds": ManyToMany("feeds", Feed)},
    )
)
register(
    ModelAdmin(
        model=RelatedBlog,
        app_label="blogs",
        model_name="relatedblog",
        verbose_name="related blog",
        verbose_name_plural="related blogs",
        list_display=["name", "blog_name", "last_entry_published"],
        search_fields=["name", "blog_name"],
        ordering="name",
        fields=["name", "feed_url", "blog_url", "blog_name", "last_entry_title", "last_entry_published"],
    )
)
