"""``/blogs/``: the newest entries of the imported feeds (Django's ``BlogHome``)."""

from __future__ import annotations

from litestar import Controller, MediaType, get
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import BlogEntry
from pydotorg.web.cache import cache_policy

BLOG_HOME_ENTRIES = 6


async def latest_entries(session: AsyncSession, limit: int) -> list[BlogEntry]:
    query = select(BlogEntry).order_by(BlogEntry.pub_date.desc(), BlogEntry.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())


class BlogsController(Controller):
    include_in_schema = False

    @get("/blogs/", name="blog", **cache_policy("blogs"))
    async def index(self, db_session: AsyncSession) -> Template:
        entries = await latest_entries(db_session, BLOG_HOME_ENTRIES)
        return Template(
            template_name="blogs/index.html",
            context={"latest_entry": entries[0] if entries else None, "entries": entries[1:]},
            media_type=MediaType.HTML,
        )
