"""``/blogs/``: the newest entries of the imported feeds (Django's ``BlogHome``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import BlogEntry
from pydotorg.web.cache import cache_policy
from pydotorg.web.fragments import fragment

BLOG_HOME_ENTRIES = 6


async def latest_entries(session: AsyncSession, limit: int) -> list[BlogEntry]:
    query = select(BlogEntry).order_by(BlogEntry.pub_date.desc(), BlogEntry.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())


class BlogsController(Controller):
    include_in_schema = False

    @get("/blogs/", name="blog", **cache_policy("blogs"))
    async def index(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        async def build() -> list[dict[str, Any]]:
            found = await latest_entries(db_session, BLOG_HOME_ENTRIES)
            keys = ("url", "title", "pub_date", "summary")
            return [{key: getattr(entry, key) for key in keys} for entry in found]

        entries = await fragment(request, "blogs:latest", build)
        return Template(
            template_name="blogs/index.html",
            context={"latest_entry": entries[0] if entries else None, "entries": entries[1:]},
            media_type=MediaType.HTML,
        )
