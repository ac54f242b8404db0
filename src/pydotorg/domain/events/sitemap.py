"""The events sitemap: the calendars and every event's page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Calendar, Event
from pydotorg.lib.sitemap import SitemapEntry


async def events_sitemap(session: AsyncSession) -> list[SitemapEntry]:
    entries = [SitemapEntry("/events/"), SitemapEntry("/events/calendars/")]
    slugs: dict[int, str] = {}
    for pk, slug in await session.execute(select(Calendar.id, Calendar.slug).order_by(Calendar.slug)):
        slugs[pk] = slug
        entries.append(SitemapEntry(f"/events/{slug}/"))
    rows = await session.execute(select(Event.id, Event.calendar_id, Event.updated).order_by(Event.id))
    entries += [SitemapEntry(f"/events/{slugs[cal]}/{pk}/", updated) for pk, cal, updated in rows if cal in slugs]
    return entries
