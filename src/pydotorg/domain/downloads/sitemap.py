"""The downloads sitemap: the downloads pages, each operating system's list and every published release."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import OS, Release
from pydotorg.lib.sitemap import SitemapEntry


async def downloads_sitemap(session: AsyncSession) -> list[SitemapEntry]:
    entries = [SitemapEntry("/downloads/"), SitemapEntry("/downloads/operating-systems/"), SitemapEntry("/doc/")]
    entries += [
        SitemapEntry(f"/downloads/{slug}/")
        for slug in (await session.execute(select(OS.slug).order_by(OS.slug))).scalars()
    ]
    rows = await session.execute(
        select(Release.slug, Release.updated).where(Release.is_published.is_(True)).order_by(Release.id)
    )
    entries += [SitemapEntry(f"/downloads/release/{slug}/", updated) for slug, updated in rows]
    return entries
