"""When events happen, and the lists Django's ``EventManager`` and views build from that.

SQL narrows the rows (``for_datetime``/``until_datetime`` as Django defines them); the exact next or previous
occurrence of a recurring rule comes from dateutil, so lists are ordered by when each event really happens next.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from pydotorg.db.base import utcnow
from pydotorg.db.models.events import Calendar, Event, EventCategory, EventLocation, OccurringRule, RecurringRule

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


def event_options(*, categories: bool = True) -> list[Any]:
    """Loaders for showing events: calendar and venue joined, the rules in one query each (and the categories,
    which lists do not show)."""
    options = [
        joinedload(Event.calendar),
        joinedload(Event.venue),
        selectinload(Event.occurring_rule),
        selectinload(Event.recurring_rules),
    ]
    return [*options, selectinload(Event.categories)] if categories else options


def events_query(*, categories: bool = True) -> Select[tuple[Event]]:
    return select(Event).options(*event_options(categories=categories))


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


def happening_at(event: Event, moment: datetime.datetime) -> bool:
    """Whether an occurrence of the event is in progress at ``moment``."""
    current = previous_time(event, moment)
    return current is not None and current.start <= moment <= current.end


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


async def _merged(
    session: AsyncSession,
    single: Select[tuple[Event]],
    recurring: Callable[[datetime.datetime | None], Select[tuple[Event]]],
    when: Callable[[Event], Occurrence | None],
    *,
    limit: int | None,
    newest_first: bool,
) -> list[tuple[Event, Occurrence]]:
    """Events with a single occurrence come from SQL already ordered and limited; events with recurring rules are
    timed with dateutil; the two are merged and cut to ``limit``. When the single events fill the limit, only
    rules that could still place an occurrence before the last of them are loaded (``recurring(cutoff)``)."""
    if limit is not None:
        single = single.limit(limit)
    found: dict[int, tuple[Event, Occurrence]] = {}
    for event in (await session.execute(single)).scalars().unique():
        occurrence = when(event)
        if occurrence is not None:
            found[event.id] = (event, occurrence)
    cutoff = None
    if limit is not None and len(found) >= limit:
        starts = [occurrence.start for _, occurrence in found.values()]
        cutoff = min(starts) if newest_first else max(starts)
    for event in (await session.execute(recurring(cutoff))).scalars().unique():
        occurrence = when(event)
        if occurrence is not None and event.id not in found:
            found[event.id] = (event, occurrence)
    ordered = sorted(found.values(), key=lambda pair: (pair[1].start, pair[0].id), reverse=newest_first)
    return ordered if limit is None else ordered[:limit]


def _single(moment: datetime.datetime, *, upcoming: bool, scope: dict[str, Any]) -> Select[tuple[Event]]:
    query = _scope(events_query(categories=False), **scope).join(OccurringRule, OccurringRule.event_id == Event.id)
    if upcoming:
        return query.where(OccurringRule.dt_start > moment).order_by(OccurringRule.dt_start, Event.id)
    return query.where(OccurringRule.dt_end < moment).order_by(OccurringRule.dt_start.desc(), Event.id.desc())


async def upcoming(
    session: AsyncSession, moment: datetime.datetime | None = None, *, limit: int | None = None, **scope: Any
) -> list[tuple[Event, Occurrence]]:
    """Django's ``for_datetime(moment)`` (default now), soonest first, each with the occurrence it is listed by."""
    at = moment or utcnow()

    def recurring(cutoff: datetime.datetime | None) -> Select[tuple[Event]]:
        rule = RecurringRule.finish > at
        if cutoff is not None:  # a rule that begins after the last listed event cannot come before it
            rule = and_(rule, RecurringRule.begin <= cutoff)
        return _scope(events_query(categories=False), **scope).where(Event.recurring_rules.any(rule))

    return await _merged(
        session,
        _single(at, upcoming=True, scope=scope),
        recurring,
        lambda event: next_or_previous_time(event, at),
        limit=limit,
        newest_first=False,
    )


async def past(
    session: AsyncSession, moment: datetime.datetime | None = None, *, limit: int | None = None, **scope: Any
) -> list[tuple[Event, Occurrence]]:
    """Django's ``until_datetime(moment)``, the most recent first."""
    at = moment or utcnow()

    def recurring(cutoff: datetime.datetime | None) -> Select[tuple[Event]]:
        rule = RecurringRule.begin < at
        if cutoff is not None:  # a rule that finished before the oldest listed event cannot come after it
            rule = and_(rule, RecurringRule.finish >= cutoff)
        return _scope(events_query(categories=False), **scope).where(Event.recurring_rules.any(rule))

    return await _merged(
        session,
        _single(at, upcoming=False, scope=scope),
        recurring,
        lambda event: previous_time(event, at),
        limit=limit,
        newest_first=True,
    )


async def count(session: AsyncSession, condition: Any, **scope: Any) -> int:
    query = _scope(select(Event.id).where(condition), **scope)
    return int((await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())


async def happening_now(
    session: AsyncSession, moment: datetime.datetime | None = None, **scope: Any
) -> list[tuple[Event, Occurrence]]:
    moment = moment or utcnow()
    candidates = or_(
        Event.occurring_rule.has(and_(OccurringRule.dt_start <= moment, OccurringRule.dt_end >= moment)),
        Event.recurring_rules.any(and_(RecurringRule.begin <= moment, RecurringRule.finish >= moment - _MAX_SPAN)),
    )
    query = _scope(events_query(categories=False).where(candidates), **scope)
    rows = (await session.execute(query)).scalars().unique().all()
    found = []
    for event in rows:
        current = previous_time(event, moment)
        if current is not None and current.start <= moment <= current.end:
            found.append((event, current))
    found.sort(key=lambda pair: (pair[1].start, pair[0].id))
    return found


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


async def homepage_events(session: AsyncSession, limit: int = 5, *, only_featured: bool = False) -> list[Any]:
    """The ``get_events_upcoming`` template tag: the next ``limit`` events (optionally featured ones only)."""
    return await upcoming(session, limit=limit, featured=True if only_featured else None)
