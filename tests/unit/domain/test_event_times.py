"""Event timing rules: duration text, next/previous occurrences and the iCalendar helpers."""

from __future__ import annotations

import datetime

import pytest

from pydotorg.db.models.events import Event, Frequency, OccurringRule, RecurringRule, parse_duration
from pydotorg.domain.events import queries
from pydotorg.lib.ical import IcsError, IcsEvent, build_calendar, decode, format_duration, parse_calendar

UTC = datetime.UTC


def _at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 min", datetime.timedelta(minutes=15)),
        ("1 hour 30 minutes", datetime.timedelta(minutes=90)),
        ("2h", datetime.timedelta(hours=2)),
        ("1 day", datetime.timedelta(days=1)),
        ("2 weeks", datetime.timedelta(days=14)),
        ("1.5 hours", datetime.timedelta(minutes=90)),
        ("01:30", datetime.timedelta(minutes=90)),
        ("1 day, 02:00:00", datetime.timedelta(days=1, hours=2)),
        ("3 days and 4 hours", datetime.timedelta(days=3, hours=4)),
    ],
)
def test_parse_duration(text: str, expected: datetime.timedelta) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(format_duration(expected)) == expected


@pytest.mark.parametrize("text", ["", "soon", "15", "0 min", "15 min later", "x 2 hours"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def _event(occurring: tuple[datetime.datetime, datetime.datetime] | None, *rules: RecurringRule) -> Event:
    rule = OccurringRule(dt_start=occurring[0], dt_end=occurring[1], all_day=False) if occurring else None
    return Event(title="t", occurring_rule=rule, recurring_rules=list(rules))


def _weekly(begin: datetime.datetime, finish: datetime.datetime, interval: int = 1) -> RecurringRule:
    return RecurringRule(
        begin=begin,
        finish=finish,
        duration="1 hour",
        duration_internal=datetime.timedelta(hours=1),
        interval=interval,
        frequency=Frequency.WEEKLY,
        all_day=False,
    )


def test_next_and_previous_time_of_a_single_event() -> None:
    now = _at(2027, 1, 10, 12)
    event = _event((_at(2027, 1, 20, 9), _at(2027, 1, 20, 17)))
    nxt = queries.next_time(event, now)
    assert nxt is not None and nxt.start == _at(2027, 1, 20, 9) and nxt.single_day
    assert queries.previous_time(event, now) is None
    assert not queries.is_past(event, now)
    assert queries.is_past(event, _at(2027, 1, 21))
    current = queries.previous_time(event, _at(2027, 1, 20, 10))
    assert current is not None and current.covers(_at(2027, 1, 20, 10)) and not current.covers(_at(2027, 1, 21))


def test_next_time_picks_the_nearest_rule() -> None:
    now = _at(2027, 1, 10, 12)
    rule = _weekly(_at(2027, 1, 1, 18), _at(2027, 3, 1), interval=2)
    event = _event((_at(2027, 2, 1, 9), _at(2027, 2, 1, 10)), rule)
    nxt = queries.next_time(event, now)
    # fortnightly from 1 January: the 15th comes before 1 February
    assert nxt is not None and nxt.start == _at(2027, 1, 15, 18) and nxt.end == _at(2027, 1, 15, 19)
    prev = queries.previous_time(event, now)
    assert prev is not None and prev.start == _at(2027, 1, 1, 18)
    assert queries.next_or_previous_time(event, _at(2027, 6, 1)) == queries.previous_time(event, _at(2027, 6, 1))
    assert rule.next_after(_at(2027, 3, 2)) is None


def test_ical_refuses_files_that_are_not_calendars() -> None:
    with pytest.raises(IcsError):
        parse_calendar(b"<html>nope</html>")
    assert decode(b"caf\xc3\xa9") == ("café", None)
    assert decode(b"caf\xe9")[1] is not None
    assert decode(b"caf\xe9", "latin-1") == ("café", None)
    assert decode(b"abc", "no-such-charset") == ("abc", None)


def test_a_written_calendar_depends_on_its_events_alone() -> None:
    """DTSTAMP is the event's last revision (RFC 5545 3.8.7.2), not the clock: the same feed twice is the same bytes."""
    event = IcsEvent(
        uid="event-1@python.org",
        title="Sprint",
        start=_at(2027, 1, 1, 18),
        end=_at(2027, 1, 1, 19),
        last_modified=datetime.datetime(2026, 11, 30, 9, 15, 42, 123456),  # naive, as SQLite returns it
    )
    first = build_calendar("Python Events", "", [event])
    assert b"DTSTAMP:20261130T091542Z" in first
    assert build_calendar("Python Events", "", [event]) == first
    parsed = parse_calendar(first).events
    assert [e.uid for e in parsed] == ["event-1@python.org"]
