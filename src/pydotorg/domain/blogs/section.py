"""Blogs at ``/blogs/``: the imported Python Insider entries, on the home page too."""

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import BlogEntry, Feed, FeedAggregate, RelatedBlog
from pydotorg.domain.blogs import admin, jobs  # noqa: F401  (register the admin and the background job)
from pydotorg.domain.blogs.cli import blogs_group
from pydotorg.domain.blogs.controllers import BlogsController, latest_entries
from pydotorg.domain.blogs.django import DJANGO_TABLES
from pydotorg.domain.blogs.services import BlogsJob
from pydotorg.lib.sitemap import SitemapEntry
from pydotorg.web.changes import invalidates
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section

HOME_PAGE_ENTRIES = 5


async def blogs_sitemap(_session: AsyncSession) -> list[SitemapEntry]:
    return [SitemapEntry("/blogs/")]  # the entries themselves live on the blog's own site


async def blog_entries(session: AsyncSession) -> list[dict[str, Any]]:
    """The home page's "Latest News": the five newest entries (as the home template reads them)."""
    return [
        {"pub_date": entry.pub_date, "url": entry.url, "title": entry.title}
        for entry in await latest_entries(session, HOME_PAGE_ENTRIES)
    ]


SECTION = Section(
    sitemaps={"blogs": blogs_sitemap},
    name="blogs",
    pages=[BlogsController],
    commands=[blogs_group],
    home_parts={"blog_entries": blog_entries},
    periodic_jobs={BlogsJob.UPDATE: "blogs_update_cron"},
    django_tables=DJANGO_TABLES,
)

invalidates(BlogEntry, keys=["blogs"], urls=["/blogs/", "/"])
for model in (Feed, FeedAggregate, RelatedBlog):
    invalidates(model, keys=["blogs"])


def _entry_doc(_conn: Connection, entry: BlogEntry) -> Doc | None:
    return Doc(entry.url, entry.title, plain_text(entry.summary), date=entry.pub_date)


indexes(BlogEntry, "blogentry", _entry_doc)
