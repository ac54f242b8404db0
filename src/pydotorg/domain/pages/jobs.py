"""Background jobs of the CMS."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import select

import pydotorg.db.models  # noqa: F401  (every model on the registry)
from pydotorg.db.base import Base, render_markup_fields
from pydotorg.lib.jobs import JobContext, job
from pydotorg.web.site_content import STORE_NAME, bump_version

BATCH_SIZE = 200


def markup_models() -> list[type[Base]]:
    return sorted(
        (m.class_ for m in Base.registry.mappers if getattr(m.class_, "__markup__", None)),
        key=lambda cls: cls.__name__,
    )


class PagesJob(StrEnum):
    RERENDER_MARKUP = "rerender_markup"


@job(PagesJob.RERENDER_MARKUP)
async def rerender_markup(ctx: JobContext, **_: Any) -> dict[str, int]:
    """Render every markup field again (after a renderer or allow-list change). Returns rows per model."""
    counts: dict[str, int] = {}
    for model in markup_models():
        rendered = 0
        async with ctx.session_factory() as session:
            last_id = 0
            while True:
                rows = (
                    await session.scalars(select(model).where(model.id > last_id).order_by(model.id).limit(BATCH_SIZE))
                ).all()
                if not rows:
                    break
                for row in rows:
                    render_markup_fields(row, force=True)
                rendered += len(rows)
                last_id = rows[-1].id
                await session.commit()
        counts[model.__name__] = rendered
    await bump_version(ctx.stores.get(STORE_NAME))
    return counts
