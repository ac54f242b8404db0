"""The ICS importer: each calendar with a source URL is downloaded and its events upserted by UID.

Runs as the ``import_ics_calendars`` background job (scheduled with SAQ's cron in production) and as
``pydotorg events import-ics``. A download is bounded in time and size; a calendar whose file is unusable is
reported and left as it was; inside a usable file, events that cannot be read are logged and skipped and the
others are written in one transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models.events import Calendar, Event, EventLocation, OccurringRule, RecurringRule
from pydotorg.lib.fetch import FetchError, fetch_capped
from pydotorg.lib.ical import IcsError, IcsEvent, format_duration, parse_calendar
from pydotorg.lib.jobs import JobContext, job
from pydotorg.lib.markup import MarkupType
from pydotorg.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    calendar: str
    created: int = 0
    updated: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    def summary(self) -> str:
        if self.error:
            return f"{self.calendar}: failed: {self.error}"
        text = f"{self.calendar}: {self.created} created, {self.updated} updated, {len(self.skipped)} skipped"
        return (
            text
            + "".join(f"\n  skipped {reason}" for reason in self.skipped)
            + "".join(f"\n  warning: {warning}" for warning in self.warnings)
        )


async def fetch_ics(url: str, settings: Settings) -> tuple[bytes, str | None]:
    """Download ``url`` with the configured timeout, refusing bodies over ``ics_max_bytes``."""
    try:
        body, _, charset = await fetch_capped(
            url, seconds=settings.ics_timeout, limit=settings.ics_max_bytes, user_agent="python.org events importer"
        )
    except FetchError as exc:
        raise IcsError(str(exc)) from exc
    return body, charset


def _apply(event: Event, item: IcsEvent, venue: EventLocation | None) -> None:
    """Copy one parsed VEVENT onto its event: title, sanitised description, venue and its one schedule."""
    event.title = item.title
    event.description = item.description
    event.description_markup_type = MarkupType.HTML.value
    event.venue = venue
    if item.recurrence is None:
        rule = event.occurring_rule or OccurringRule()
        rule.dt_start, rule.dt_end, rule.all_day = item.start, item.end, item.all_day
        event.occurring_rule = rule
        event.recurring_rules = []
    else:
        event.occurring_rule = None
        event.recurring_rules = [
            RecurringRule(
                begin=item.start,
                finish=item.recurrence.until,
                duration=format_duration(item.end - item.start) if item.end > item.start else "15 min",
                interval=item.recurrence.interval,
                frequency=item.recurrence.frequency,
                all_day=item.all_day,
            )
        ]


async def import_calendar_data(
    session: AsyncSession, calendar: Calendar, data: bytes, charset: str | None = None
) -> ImportReport:
    """Upsert the events of one ICS file into ``calendar`` (committed together; nothing on a bad file)."""
    report = ImportReport(calendar=calendar.slug)
    try:
        parsed = parse_calendar(data, charset)
    except IcsError as exc:
        report.error = str(exc)
        return report
    report.skipped, report.warnings = parsed.errors, parsed.warnings
    # the calendar's events (by UID) and locations (by name), read once for the whole file
    events_query = (
        select(Event)
        .where(Event.calendar_id == calendar.id, Event.uid.is_not(None))
        .options(selectinload(Event.occurring_rule), selectinload(Event.recurring_rules), selectinload(Event.venue))
    )
    events = {event.uid: event for event in (await session.execute(events_query)).scalars()}
    venues_query = select(EventLocation).where(EventLocation.calendar_id == calendar.id)
    venues = {venue.name: venue for venue in (await session.execute(venues_query)).scalars()}
    seen: set[str] = set()
    for item in parsed.events:
        if item.uid in seen:
            report.skipped.append(f"{item.uid}: the UID appears twice in the file; the first one was kept")
            continue
        seen.add(item.uid)
        venue = venues.get(item.location) if item.location else None
        if item.location and venue is None:
            venue = venues[item.location] = EventLocation(calendar_id=calendar.id, name=item.location)
        event = events.get(item.uid)
        if event is None:
            event = Event(calendar_id=calendar.id, uid=item.uid, occurring_rule=None, recurring_rules=[])
            session.add(event)
            report.created += 1
        else:
            report.updated += 1
        _apply(event, item, venue)
    await session.commit()
    for reason in report.skipped:
        logger.warning("ICS import %s: skipped %s", calendar.slug, reason)
    return report


async def import_calendar(session: AsyncSession, calendar: Calendar, settings: Settings) -> ImportReport:
    """Django's ``Calendar.import_events``: download the calendar's URL and import it."""
    if not calendar.url:
        return ImportReport(calendar=calendar.slug, error="the calendar has no ICS URL")
    try:
        data, charset = await fetch_ics(calendar.url, settings)
    except IcsError as exc:
        return ImportReport(calendar=calendar.slug, error=str(exc))
    return await import_calendar_data(session, calendar, data, charset)


async def import_all(
    session_factory: Callable[[], AbstractAsyncContextManager[AsyncSession]],
    settings: Settings,
    slug: str | None = None,
) -> list[ImportReport]:
    async with session_factory() as session:
        query = select(Calendar).where(Calendar.url.is_not(None), Calendar.url != "").order_by(Calendar.slug)
        if slug is not None:
            query = select(Calendar).where(Calendar.slug == slug)
        calendars = (await session.execute(query)).scalars().all()
    if slug is not None and not calendars:
        return [ImportReport(calendar=slug, error="no calendar with that slug")]
    reports = []
    for calendar in calendars:
        async with session_factory() as session:
            report = await import_calendar(session, calendar, settings)
        if report.error:
            logger.error("ICS import %s failed: %s", calendar.slug, report.error)
        else:
            logger.info("ICS import %s", report.summary())
        reports.append(report)
    return reports


@job("import_ics_calendars")
async def import_ics_calendars(ctx: JobContext, *, slug: str | None = None, **_: Any) -> list[str]:
    reports = await import_all(ctx.session_factory, ctx.settings, slug)  # its commits purge the events pages
    return [report.summary() for report in reports]
