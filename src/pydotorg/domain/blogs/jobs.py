"""The ``update_blogs`` background job (a SAQ cron with Redis; ``pydotorg blogs update`` in embedded mode)."""

from __future__ import annotations

from typing import Any

from pydotorg.domain.blogs.services import BlogsJob, update_blogs
from pydotorg.lib.jobs import JobContext, job


@job(BlogsJob.UPDATE)
async def update_blogs_job(ctx: JobContext, **_: Any) -> dict[str, Any]:
    async with ctx.session_factory() as session:
        report = await update_blogs(session, ctx.settings)
        await session.commit()
    return report.as_dict()
