"""The pages section's sitemap: the fixed root pages and every published CMS page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Page
from pydotorg.lib.sitemap import SitemapEntry

ROOT_PAGES = ["/", "/about/", "/psf-landing/", "/docs-landing/", "/psf/sponsors/"]


async def pages_sitemap(session: AsyncSession) -> list[SitemapEntry]:
    entries = [SitemapEntry(path) for path in ROOT_PAGES]
    rows = await session.execute(select(Page.path, Page.updated).where(Page.is_published.is_(True)).order_by(Page.path))
    for path, updated in rows:
        clean = path.strip("/")
        if clean:
            entries.append(SitemapEntry(f"/{clean}/", updated))
    return entries
