"""When events happen, and the lists Django's ``EventManager`` and views build from that.

SQL narrows the rows (``for_datetime``/``until_datetime`` as Django defines them); the exact next or previous
occurrence of a recurring rule comes from dateutil, so lists are ordered by when each event really happens next.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from pydotorg.db.base import utcnow
from pydotorg.db.models.events import (
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    OccurringRule,
    RecurringRule,
    make_rrule,
)

#: The longest occurrence a recurring rule may have and still be "happening now" after its finish.
_MAX_SPAN = datetime.timedelta(days=31)


@dataclass(frozen=True)
class Occurrence:
    start: datetime.datetime
    end: datetime.datetime
    all_day: bool

    @property
    def single_day(self) -> bool:
        return self.start.date() == self.end.date()

    def covers(self, moment: datetime.datetime) -> bool:
        """Whether this occurrence is in progress at ``moment``."""
        return self.start <= moment <= self.end


def events_query() -> Select[tuple[Event]]:
    """Whole events (an event's page, the iCalendar feeds): calendar and venue joined, rules and categories in
    one query each."""
    return select(Event).options(
        joinedload(Event.calendar),
        joinedload(Event.venue),
        selectinload(Event.occurring_rule),
        selectinload(Event.recurring_rules),
        selectinload(Event.categories),
    )


def for_datetime(moment: datetime.datetime) -> Any:
    """Django's ``EventManager.for_datetime``: starts after ``moment`` or recurs past it."""
    return or_(
        Event.occurring_rule.has(OccurringRule.dt_start > moment),
        Event.recurring_rules.any(RecurringRule.finish > moment),
    )


def until_datetime(moment: datetime.datetime) -> Any:
    """Django's ``EventManager.until_datetime``: ended before ``moment`` or began recurring before it."""
    return or_(
        Event.occurring_rule.has(OccurringRule.dt_end < moment),
        Event.recurring_rules.any(RecurringRule.begin < moment),
    )


def next_time(event: Event, moment: datetime.datetime | None = None) -> Occurrence | None:
    """The nearest occurrence starting after ``moment`` (Django's ``Event.next_time``)."""
    moment = moment or utcnow()
    found: list[Occurrence] = []
    rule = event.occurring_rule
    if rule is not None and rule.dt_start > moment:
        found.append(Occurrence(rule.dt_start, rule.dt_end, rule.all_day))
    for recurring in event.recurring_rules:
        if recurring.finish > moment:
            start = recurring.next_after(moment)
            if start is not None:
                found.append(Occurrence(start, start + recurring.duration_internal, recurring.all_day))
    return min(found, key=lambda o: o.start, default=None)


def previous_time(event: Event, moment: datetime.datetime | None = None) -> Occurrence | None:
    """The latest occurrence that started at or before ``moment``."""
    moment = moment or utcnow()
    found: list[Occurrence] = []
    rule = event.occurring_rule
    if rule is not None and rule.dt_start <= moment:
        found.append(Occurrence(rule.dt_start, rule.dt_end, rule.all_day))
    for recurring in event.recurring_rules:
        start = recurring.last_before(moment)
        if start is not None:
            found.append(Occurrence(start, start + recurring.duration_internal, recurring.all_day))
    return max(found, key=lambda o: o.start, default=None)


def next_or_previous_time(event: Event, moment: datetime.datetime | None = None) -> Occurrence | None:
    return next_time(event, moment) or previous_time(event, moment)


def is_past(event: Event, moment: datetime.datetime | None = None) -> bool:
    moment = moment or utcnow()
    rule = event.occurring_rule
    if rule is not None and rule.dt_end >= moment:
        return False
    return all(recurring.finish < moment for recurring in event.recurring_rules)


def _scope(
    query: Select[Any],
    *,
    calendar_id: int | None = None,
    category_id: int | None = None,
    venue_id: int | None = None,
    featured: bool | None = None,
) -> Select[Any]:
    if calendar_id is not None:
        query = query.where(Event.calendar_id == calendar_id)
    if category_id is not None:
        query = query.where(Event.categories.any(EventCategory.id == category_id))
    if venue_id is not None:
        query = query.where(Event.venue_id == venue_id)
    if featured is not None:
        query = query.where(Event.featured.is_(featured))
    return query


@dataclass(frozen=True)
class Listed:
    """An event's place in a list: what the list shows without loading the event itself."""

    event_id: int
    title: str
    calendar_slug: str
    occurrence: Occurrence

    @property
    def url(self) -> str:
        return f"/events/{self.calendar_slug}/{self.event_id}/"


_LISTED_COLUMNS = (Event.id, Event.title, Calendar.slug)


def _single_rows(scope: dict[str, Any]) -> Select[Any]:
    query = (
        select(*_LISTED_COLUMNS, OccurringRule.dt_start, OccurringRule.dt_end, OccurringRule.all_day)
        .join(OccurringRule, OccurringRule.event_id == Event.id)
        .join(Calendar, Calendar.id == Event.calendar_id)
    )
    return _scope(query, **scope)


def _rule_rows(scope: dict[str, Any]) -> Select[Any]:
    query = (
        select(
            *_LISTED_COLUMNS,
            RecurringRule.begin,
            RecurringRule.finish,
            RecurringRule.interval,
            RecurringRule.frequency,
            RecurringRule.duration_internal,
            RecurringRule.all_day,
        )
        .join(RecurringRule, RecurringRule.event_id == Event.id)
        .join(Calendar, Calendar.id == Event.calendar_id)
    )
    return _scope(query, **scope)


def _rule_occurrence(row: Any, at: datetime.datetime, *, upcoming: bool) -> Occurrence | None:
    rule = make_rrule(row.frequency, row.interval, row.begin, row.finish)
    start = (rule.after(at) or rule.before(at)) if upcoming else rule.before(at)
    return None if start is None else Occurrence(start, start + row.duration_internal, row.all_day)


async def _listed(
    session: AsyncSession, at: datetime.datetime, *, upcoming: bool, limit: int | None, scope: dict[str, Any]
) -> list[Listed]:
    """Which events a list shows, in order, from two light queries: single occurrences (ordered and limited in
    SQL) and recurring rules (timed with dateutil). When the single events fill the limit, only rules that could
    still place an occurrence before the last of them are read."""
    single = _single_rows(scope)
    if upcoming:
        single = single.where(OccurringRule.dt_start > at).order_by(OccurringRule.dt_start, Event.id)
    else:
        single = single.where(OccurringRule.dt_end < at).order_by(OccurringRule.dt_start.desc(), Event.id.desc())
    if limit is not None:
        single = single.limit(limit)
    found: dict[int, Listed] = {}
    for row in (await session.execute(single)).all():
        found[row.id] = Listed(row.id, row.title, row.slug, Occurrence(row.dt_start, row.dt_end, row.all_day))

    rules = _rule_rows(scope)
    rules = rules.where(RecurringRule.finish > at) if upcoming else rules.where(RecurringRule.begin < at)
    if limit is not None and len(found) >= limit:
        starts = [item.occurrence.start for item in found.values()]
        # a rule beginning after the last listed event (or finishing before the oldest) cannot displace it
        rules = (
            rules.where(RecurringRule.begin <= max(starts))
            if upcoming
            else rules.where(RecurringRule.finish >= min(starts))
        )
    for row in (await session.execute(rules)).all():
        occurrence = _rule_occurrence(row, at, upcoming=upcoming)
        if occurrence is None:
            continue
        current = found.get(row.id)
        better = current is None or (
            occurrence.start < current.occurrence.start if upcoming else occurrence.start > current.occurrence.start
        )
        if better:
            found[row.id] = Listed(row.id, row.title, row.slug, occurrence)
    ordered = sorted(found.values(), key=lambda item: (item.occurrence.start, item.event_id), reverse=not upcoming)
    return ordered if limit is None else ordered[:limit]


async def _with_events(session: AsyncSession, listed: list[Listed]) -> list[tuple[Event, Occurrence]]:
    """The listed events loaded for display, in list order: one query, with calendar and venue joined (lists show
    the occurrence they already have, not the rules)."""
    if not listed:
        return []
    query = (
        select(Event)
        .options(joinedload(Event.calendar), joinedload(Event.venue))
        .where(Event.id.in_([item.event_id for item in listed]))
    )
    events = {event.id: event for event in (await session.execute(query)).scalars().unique()}
    return [(events[item.event_id], item.occurrence) for item in listed if item.event_id in events]


async def upcoming(
    session: AsyncSession, moment: datetime.datetime | None = None, *, limit: int | None = None, **scope: Any
) -> list[tuple[Event, Occurrence]]:
    """Django's ``for_datetime(moment)`` (default now), soonest first, each with the occurrence it is listed by."""
    return await _with_events(
        session, await _listed(session, moment or utcnow(), upcoming=True, limit=limit, scope=scope)
    )


async def past(
    session: AsyncSession, moment: datetime.datetime | None = None, *, limit: int | None = None, **scope: Any
) -> list[tuple[Event, Occurrence]]:
    """Django's ``until_datetime(moment)``, the most recent first."""
    return await _with_events(
        session, await _listed(session, moment or utcnow(), upcoming=False, limit=limit, scope=scope)
    )


async def count(session: AsyncSession, condition: Any, **scope: Any) -> int:
    query = _scope(select(Event.id).where(condition), **scope)
    return int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())


async def happening_now(
    session: AsyncSession, moment: datetime.datetime | None = None, **scope: Any
) -> list[tuple[Event, Occurrence]]:
    """Events with an occurrence in progress at ``moment``, earliest start first."""
    at = moment or utcnow()
    found: dict[int, Listed] = {}
    single = _single_rows(scope).where(OccurringRule.dt_start <= at, OccurringRule.dt_end >= at)
    for row in (await session.execute(single)).all():
        found[row.id] = Listed(row.id, row.title, row.slug, Occurrence(row.dt_start, row.dt_end, row.all_day))
    rules = _rule_rows(scope).where(RecurringRule.begin <= at, RecurringRule.finish >= at - _MAX_SPAN)
    for row in (await session.execute(rules)).all():
        occurrence = _rule_occurrence(row, at, upcoming=False)
        if occurrence is not None and occurrence.covers(at) and row.id not in found:
            found[row.id] = Listed(row.id, row.title, row.slug, occurrence)
    ordered = sorted(found.values(), key=lambda item: (item.occurrence.start, item.event_id))
    return await _with_events(session, ordered)


async def calendar_by_slug(session: AsyncSession, slug: str) -> Calendar | None:
    return (await session.execute(select(Calendar).where(Calendar.slug == slug))).scalars().first()


async def neighbours(session: AsyncSession, event: Event) -> tuple[Event | None, Event | None]:
    """The previous and next event of the same calendar by occurring start (Django's previous/next_event)."""
    rule = event.occurring_rule
    if rule is None:
        return None, None
    base = (
        select(Event)
        .join(OccurringRule, OccurringRule.event_id == Event.id)
        .where(Event.calendar_id == event.calendar_id, Event.id != event.id)
        .options(selectinload(Event.calendar))
    )
    before = base.where(OccurringRule.dt_start < rule.dt_start).order_by(OccurringRule.dt_start.desc()).limit(1)
    after = base.where(OccurringRule.dt_start > rule.dt_start).order_by(OccurringRule.dt_start).limit(1)
    return (
        (await session.execute(before)).scalars().first(),
        (await session.execute(after)).scalars().first(),
    )


def locations_query(calendar_id: int) -> Select[tuple[EventLocation]]:
    return select(EventLocation).where(EventLocation.calendar_id == calendar_id).order_by(EventLocation.name)


def categories_query(calendar_id: int) -> Select[tuple[EventCategory]]:
    return select(EventCategory).where(EventCategory.calendar_id == calendar_id).order_by(EventCategory.name)


async def homepage_events(session: AsyncSession, limit: int = 5, *, only_featured: bool = False) -> list[Listed]:
    """The ``get_events_upcoming`` template tag: the next ``limit`` events (optionally featured ones only), read
    without loading the events themselves."""
    scope = {"featured": True} if only_featured else {}
    return await _listed(session, utcnow(), upcoming=True, limit=limit, scope=scope)


async def upcoming_for_home(session: AsyncSession) -> list[dict[str, Any]]:
    """The home page's "Upcoming Events" part: the next five events, as the home template reads them."""
    return [
        {"start": item.occurrence.start, "url": item.url, "title": item.title}
        for item in await homepage_events(session, limit=5)
    ]
