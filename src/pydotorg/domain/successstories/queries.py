"""Reading stories: published ones for everyone, drafts for staff."""

from __future__ import annotations

import secrets

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models import Story, StoryCategory

LATEST = 4


def published() -> Select[tuple[Story]]:
    return (
        select(Story)
        .where(Story.is_published.is_(True))
        .options(selectinload(Story.category), selectinload(Story.company))
        .order_by(Story.created.desc(), Story.id.desc())
    )


async def latest(session: AsyncSession, limit: int = LATEST) -> list[Story]:
    return list((await session.execute(published().limit(limit))).scalars())


async def categories(session: AsyncSession) -> list[StoryCategory]:
    return list((await session.execute(select(StoryCategory).order_by(StoryCategory.name))).scalars())


async def by_category(session: AsyncSession, category_id: int) -> list[Story]:
    return list((await session.execute(published().where(Story.category_id == category_id))).scalars())


async def story_by_slug(session: AsyncSession, slug: str, *, include_drafts: bool = False) -> Story | None:
    query = select(Story).where(Story.slug == slug).options(selectinload(Story.category), selectinload(Story.company))
    if not include_drafts:
        query = query.where(Story.is_published.is_(True))
    return (await session.execute(query)).scalars().first()


#: The most featured stories the home page picks from (python.org features a handful).
MAX_FEATURED = 100


async def featured(session: AsyncSession) -> list[Story]:
    """The published, featured stories, newest first."""
    query = published().where(Story.featured.is_(True)).limit(MAX_FEATURED)
    return list((await session.execute(query)).scalars())


async def random_featured(session: AsyncSession) -> Story | None:
    """Django's ``random_featured()``: a random published, featured story, chosen by a random offset (no
    ``ORDER BY RANDOM()`` over the table)."""
    condition = Story.is_published.is_(True) & Story.featured.is_(True)
    total = int(await session.scalar(select(func.count()).select_from(Story).where(condition)) or 0)
    if not total:
        return None
    offset = secrets.randbelow(total)
    query = published().where(Story.featured.is_(True)).offset(offset).limit(1)
    return (await session.execute(query)).scalars().first()


async def name_taken(session: AsyncSession, name: str, slug: str) -> bool:
    """Django's StoryForm: the name must be new, by name or by the slug it makes."""
    query = select(Story.id).where((func.lower(Story.name) == name.lower()) | (Story.slug == slug)).limit(1)
    return (await session.execute(query)).first() is not None
