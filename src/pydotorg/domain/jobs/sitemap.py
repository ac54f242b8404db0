"""The job board's sitemap: the lists and every job visible to the public."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Job
from pydotorg.domain.jobs.services import visible
from pydotorg.lib.sitemap import SitemapEntry


async def jobs_sitemap(session: AsyncSession) -> list[SitemapEntry]:
    entries = [SitemapEntry(path) for path in ("/jobs/", "/jobs/types/", "/jobs/categories/", "/jobs/locations/")]
    rows = await session.execute(select(Job.id, Job.updated).where(visible()).order_by(Job.id))
    entries += [SitemapEntry(f"/jobs/{pk}/", updated) for pk, updated in rows]
    return entries
