"""The success stories sitemap: the list, the categories and every published story."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Story, StoryCategory
from pydotorg.lib.sitemap import SitemapEntry


async def stories_sitemap(session: AsyncSession) -> list[SitemapEntry]:
    entries = [SitemapEntry("/success-stories/")]
    categories = (await session.execute(select(StoryCategory.slug).order_by(StoryCategory.slug))).scalars()
    entries += [SitemapEntry(f"/success-stories/category/{slug}/") for slug in categories]
    rows = await session.execute(
        select(Story.slug, Story.updated).where(Story.is_published.is_(True)).order_by(Story.id)
    )
    entries += [SitemapEntry(f"/success-stories/{slug}/", updated) for slug, updated in rows]
    return entries
