"""Reading boxes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Box


async def load_boxes(session: AsyncSession) -> dict[str, str]:
    rows = (await session.execute(select(Box.label, Box.content_rendered))).all()
    return {row.label: row.content_rendered for row in rows}
