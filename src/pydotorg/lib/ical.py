"""iCalendar in and out, with the ``icalendar`` library.

* :func:`build_calendar` writes a ``VCALENDAR`` of events (all-day events as dates with an exclusive end,
  recurring events with an ``RRULE``);
* :func:`parse_calendar` reads one the way Django's ``ICSImporter`` does: ``DTEND`` falls back to ``DTSTART``,
  an event lasting a day or more is all-day and ends a day earlier, descriptions are sanitised, and an event that
  cannot be read is reported and skipped while the others are kept. A file that is not iCalendar at all raises
  :class:`IcsError`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from dateutil import rrule
from icalendar import Calendar as ICalendar
from icalendar import Event as IEvent

from pydotorg.lib.markup import sanitise

PRODID = "-//Python Software Foundation//python.org events//EN"
#: The recurrences a calendar supports (dateutil's constants, as stored), by their iCalendar FREQ names.
FREQUENCIES: dict[str, Literal[0, 1, 2, 3]] = {
    "YEARLY": rrule.YEARLY,
    "MONTHLY": rrule.MONTHLY,
    "WEEKLY": rrule.WEEKLY,
    "DAILY": rrule.DAILY,
}
ONE_DAY = datetime.timedelta(days=1)
#: A recurrence without UNTIL or COUNT is kept for this long (it would otherwise never end).
OPEN_RECURRENCE_LIMIT = datetime.timedelta(days=365)
#: Lengths of the columns the parsed values go into.
MAX_UID, MAX_TITLE, MAX_LOCATION = 200, 200, 255


class IcsError(ValueError):
    """The whole file could not be used (not iCalendar, too large, unreadable)."""


@dataclass(frozen=True)
class Recurrence:
    frequency: int
    interval: int
    until: datetime.datetime


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    title: str
    start: datetime.datetime
    end: datetime.datetime
    all_day: bool = False
    description: str = ""
    location: str = ""
    url: str = ""
    categories: tuple[str, ...] = ()
    recurrence: Recurrence | None = None
    last_modified: datetime.datetime | None = None


@dataclass
class ParseResult:
    events: list[IcsEvent] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# -- writing -----------------------------------------------------------------------------------------------------
def build_calendar(name: str, description: str, events: Iterable[IcsEvent], *, url: str = "") -> bytes:
    calendar = ICalendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    if url:
        calendar.add("url", url)
    # RFC 5545 3.8.7.2: in a calendar without METHOD, DTSTAMP is the time the event was last revised, so a
    # feed's bytes depend on its events alone (the same GET twice gives the same body, length and ETag).
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    for item in events:
        vevent = IEvent()
        vevent.add("uid", item.uid)
        vevent.add("dtstamp", _utc(item.last_modified) if item.last_modified else now)
        vevent.add("summary", item.title)
        if item.all_day:
            vevent.add("dtstart", item.start.date())
            vevent.add("dtend", item.end.date() + ONE_DAY)  # iCalendar ends are exclusive
        else:
            vevent.add("dtstart", item.start)
            vevent.add("dtend", item.end)
        if item.description:
            vevent.add("description", item.description)
        if item.location:
            vevent.add("location", item.location)
        if item.url:
            vevent.add("url", item.url)
        if item.categories:
            vevent.add("categories", list(item.categories))
        if item.last_modified:
            vevent.add("last-modified", item.last_modified.replace(microsecond=0))
        if item.recurrence:
            vevent.add(
                "rrule",
                {
                    "freq": rrule.FREQNAMES[item.recurrence.frequency],
                    "interval": item.recurrence.interval,
                    "until": item.recurrence.until.astimezone(datetime.UTC),
                },
            )
        calendar.add_component(vevent)
    return bytes(calendar.to_ical())


# -- reading -----------------------------------------------------------------------------------------------------
def _utc(value: datetime.datetime) -> datetime.datetime:
    """A stored time in UTC to the second (naive values, as SQLite returns them, are UTC already)."""
    aware = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    return aware.astimezone(datetime.UTC).replace(microsecond=0)


def decode(data: bytes, charset: str | None = None) -> tuple[str, str | None]:
    """The text of an ICS download: its declared charset, else UTF-8, else Windows-1252 (with a warning)."""
    for candidate in (charset, "utf-8-sig"):
        if not candidate:
            continue
        try:
            return data.decode(candidate), None
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace"), "the file is not UTF-8; it was read as Windows-1252"


def _as_datetime(value: Any) -> tuple[datetime.datetime, bool]:
    """An aware datetime, and whether the value was a date (floating times are taken as UTC)."""
    if isinstance(value, datetime.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=datetime.UTC)), False
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.UTC), True
    raise TypeError(f"not a date or date-time: {value!r}")


def _recurrence(component: Any, start: datetime.datetime, warnings: list[str], uid: str) -> Recurrence | None:
    rule = component.get("RRULE")
    if rule is None:
        return None
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq not in FREQUENCIES:
        raise ValueError(f"recurrence frequency {freq or '(none)'!r} is not daily, weekly, monthly or yearly")
    interval = int((rule.get("INTERVAL") or [1])[0])
    if interval < 1:
        raise ValueError(f"recurrence interval must be at least 1, not {interval}")
    until_values = rule.get("UNTIL")
    if until_values:
        until, _ = _as_datetime(until_values[0])
    elif rule.get("COUNT"):
        count = int(rule["COUNT"][0])
        if count < 1:
            raise ValueError("recurrence COUNT must be at least 1")
        occurrences = list(rrule.rrule(FREQUENCIES[freq], interval=interval, dtstart=start, count=count))
        until = occurrences[-1]
    else:
        until = start + OPEN_RECURRENCE_LIMIT
        warnings.append(f"{uid}: the recurrence never ends; it was limited to one year")
    if until < start:
        raise ValueError("recurrence ends before it starts")
    return Recurrence(frequency=FREQUENCIES[freq], interval=interval, until=until)


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    return "" if value is None else str(value)


def parse_event(component: Any, warnings: list[str]) -> IcsEvent:
    """One VEVENT, by Django's rules. Raises KeyError, ValueError or TypeError for an unusable event."""
    uid = str(component["UID"])[:MAX_UID]
    start, start_is_date = _as_datetime(component["DTSTART"].dt)
    end_prop = component.get("DTEND")
    if end_prop is not None:
        end, _ = _as_datetime(end_prop.dt)
    elif component.get("DURATION") is not None:
        end = start + component["DURATION"].dt
    else:
        end = start  # Django: DTEND falls back to DTSTART
    if end < start:
        raise ValueError(f"the event ends ({end:%Y-%m-%d %H:%M}) before it starts ({start:%Y-%m-%d %H:%M})")
    all_day = start_is_date and end == start
    if end - start >= ONE_DAY:
        all_day = True
        end -= ONE_DAY
    categories: list[str] = []
    raw_categories = component.get("CATEGORIES")
    for entry in raw_categories if isinstance(raw_categories, list) else [raw_categories] if raw_categories else []:
        categories.extend(str(c) for c in entry.cats)
    modified = component.get("LAST-MODIFIED")
    return IcsEvent(
        uid=uid,
        title=_text(component, "SUMMARY")[:MAX_TITLE] or "(untitled event)",
        start=start,
        end=end,
        all_day=all_day,
        description=sanitise(_text(component, "DESCRIPTION")),
        location=_text(component, "LOCATION").strip()[:MAX_LOCATION],
        url=_text(component, "URL")[:200],
        categories=tuple(categories),
        recurrence=_recurrence(component, start, warnings, uid),
        last_modified=_as_datetime(modified.dt)[0] if modified is not None else None,
    )


def parse_calendar(data: bytes, charset: str | None = None) -> ParseResult:
    text, warning = decode(data, charset)
    result = ParseResult()
    if warning:
        result.warnings.append(warning)
    if "BEGIN:VCALENDAR" not in text[:4096].upper():
        raise IcsError("the file is not an iCalendar file (no BEGIN:VCALENDAR)")
    try:
        calendar = ICalendar.from_ical(text)
    except (ValueError, IndexError, KeyError, OverflowError) as exc:
        raise IcsError(f"the iCalendar file could not be parsed: {exc}") from exc
    for number, component in enumerate(calendar.walk("VEVENT"), start=1):
        try:
            result.events.append(parse_event(component, result.warnings))
        except (KeyError, ValueError, TypeError, OverflowError) as exc:  # OverflowError: DURATION:P999999999D
            uid = component.get("UID")
            label = f"event {number}" + (f" ({uid})" if uid else "")
            reason = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            result.errors.append(f"{label}: {reason}")
    return result


def format_duration(value: datetime.timedelta) -> str:
    """A duration as ``RecurringRule.duration`` text (read back by ``parse_duration``)."""
    seconds = int(value.total_seconds())
    if seconds and seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day" if days == 1 else f"{days} days"
    if seconds and seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{max(seconds // 60, 1)} min"
