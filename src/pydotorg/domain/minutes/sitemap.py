"""The minutes sitemap: the list and every published meeting."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Minutes
from pydotorg.lib.sitemap import SitemapEntry


async def minutes_sitemap(session: AsyncSession) -> list[SitemapEntry]:
    rows = await session.execute(
        select(Minutes.date, Minutes.updated).where(Minutes.is_published.is_(True)).order_by(Minutes.date)
    )
    return [SitemapEntry("/psf/records/board/minutes/")] + [
        SitemapEntry(f"/psf/records/board/minutes/{date:%Y-%m-%d}/", updated) for date, updated in rows
    ]
