"""Events: calendars, their events and the rules that say when an event happens (Django's ``events`` app).

An event has at most one :class:`OccurringRule` (a single start and end) and any number of
:class:`RecurringRule` rows (dateutil rrules between ``begin`` and ``finish``). Submissions made through
``/events/submit/`` are kept as :class:`EventSubmission` rows so staff can see them in the admin (Django only
mailed them).
"""

from __future__ import annotations

import datetime
import enum
import re
from typing import ClassVar, Literal

from advanced_alchemy.types import DateTimeUTC
from dateutil import rrule
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Interval,
    SmallInteger,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    NameSlug,
    association_table,
    markup_rendered_column,
    markup_type_column,
    utcnow,
)


class Frequency(enum.IntEnum):
    """dateutil's constants, stored as Django stores them."""

    YEARLY = rrule.YEARLY
    MONTHLY = rrule.MONTHLY
    WEEKLY = rrule.WEEKLY
    DAILY = rrule.DAILY

    @property
    def label(self) -> str:
        return self.name.capitalize()


FREQ_CONSTANTS: dict[Frequency, Literal[0, 1, 2, 3]] = {
    Frequency.YEARLY: rrule.YEARLY,
    Frequency.MONTHLY: rrule.MONTHLY,
    Frequency.WEEKLY: rrule.WEEKLY,
    Frequency.DAILY: rrule.DAILY,
}

DURATION_PART = re.compile(
    r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>w(?:eeks?|ks?)?|d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?|s(?:ec(?:ond)?s?)?)\b",
    re.IGNORECASE,
)
CLOCK_DURATION = re.compile(r"^(?:(?P<days>\d+)\s*days?,?\s*)?(?P<h>\d{1,3}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
UNIT_SECONDS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> datetime.timedelta:
    """Parse a duration written as people write it: ``15 min``, ``1 hour 30 minutes``, ``2h``, ``1 day``,
    ``01:30`` or ``1 day, 02:00:00``. Raises :class:`ValueError` for anything else (or for a zero duration)."""
    cleaned = text.strip()
    clock = CLOCK_DURATION.match(cleaned)
    if clock:
        total = int(clock["days"] or 0) * 86400 + int(clock["h"]) * 3600 + int(clock["m"]) * 60 + int(clock["s"] or 0)
    else:
        total = 0
        position = 0
        for match in DURATION_PART.finditer(cleaned):
            if cleaned[position : match.start()].strip(" ,and"):
                raise ValueError(f"cannot read {text!r} as a duration")
            total += int(float(match["amount"]) * UNIT_SECONDS[match["unit"][0].lower()])
            position = match.end()
        if position == 0 or cleaned[position:].strip():
            raise ValueError(f"cannot read {text!r} as a duration (try '15 min', '2 hours' or '1 day')")
    if total <= 0:
        raise ValueError("a duration must be longer than zero")
    return datetime.timedelta(seconds=total)


def make_rrule(frequency: int, interval: int, begin: datetime.datetime, finish: datetime.datetime) -> rrule.rrule:
    """The occurrences of a recurring rule, from ``begin`` until ``finish`` (inclusive)."""
    return rrule.rrule(freq=FREQ_CONSTANTS[Frequency(frequency)], interval=interval, dtstart=begin, until=finish)


class Calendar(ContentManageable, Base):
    __tablename__ = "events_calendar"

    url: Mapped[str | None] = mapped_column(String(200), nullable=True)
    rss: Mapped[str | None] = mapped_column(String(200), nullable=True)
    embed: Mapped[str | None] = mapped_column(String(200), nullable=True)
    twitter: Mapped[str | None] = mapped_column(String(200), nullable=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    description: Mapped[str | None] = mapped_column(String(255), nullable=True)

    def __str__(self) -> str:
        return self.name

    @property
    def absolute_url(self) -> str:
        return f"/events/{self.slug}/"


class EventCategory(NameSlug, Base):
    __tablename__ = "events_eventcategory"

    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("events_calendar.id", ondelete="CASCADE"), nullable=True, index=True
    )
    calendar: Mapped[Calendar | None] = relationship(lazy="raise")


class EventLocation(Base):
    __tablename__ = "events_eventlocation"

    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("events_calendar.id", ondelete="CASCADE"), nullable=True, index=True
    )
    name: Mapped[str] = mapped_column(String(255))
    address: Mapped[str | None] = mapped_column(String(255), nullable=True)
    url: Mapped[str | None] = mapped_column(String(200), nullable=True)

    def __str__(self) -> str:
        return self.name


event_categories = association_table(
    "events_event_categories", ("event_id", "events_event"), ("eventcategory_id", "events_eventcategory")
)


class Event(ContentManageable, Base):
    __tablename__ = "events_event"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"description": MarkupSpec()}

    uid: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    calendar_id: Mapped[int] = mapped_column(ForeignKey("events_calendar.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    description_rendered: Mapped[str] = markup_rendered_column("description")
    venue_id: Mapped[int | None] = mapped_column(
        ForeignKey("events_eventlocation.id", ondelete="SET NULL"), nullable=True, index=True
    )
    featured: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    calendar: Mapped[Calendar] = relationship(lazy="raise")
    venue: Mapped[EventLocation | None] = relationship(lazy="raise")
    categories: Mapped[list[EventCategory]] = relationship(secondary=event_categories, lazy="raise")
    occurring_rule: Mapped[OccurringRule | None] = relationship(
        back_populates="event", lazy="raise", uselist=False, passive_deletes=True, cascade="all, delete-orphan"
    )
    recurring_rules: Mapped[list[RecurringRule]] = relationship(
        back_populates="event",
        lazy="raise",
        passive_deletes=True,
        order_by="RecurringRule.begin",
        cascade="all, delete-orphan",
    )

    def __str__(self) -> str:
        return self.title

    @property
    def absolute_url(self) -> str:
        return f"/events/{self.calendar.slug}/{self.id}/"


class OccurringRule(Base):
    """A single occurrence. Stored ends are inclusive; an all-day event ends on its last day."""

    __tablename__ = "events_occurringrule"
    __table_args__ = (CheckConstraint("dt_end >= dt_start", name="end_after_start"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events_event.id", ondelete="CASCADE"), unique=True)
    dt_start: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    dt_end: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)

    event: Mapped[Event] = relationship(back_populates="occurring_rule", lazy="raise")

    def __str__(self) -> str:
        return f"{self.dt_start:%Y-%m-%d %H:%M} to {self.dt_end:%Y-%m-%d %H:%M}"

    @property
    def begin(self) -> datetime.datetime:
        return self.dt_start

    @property
    def finish(self) -> datetime.datetime:
        return self.dt_end

    @property
    def duration(self) -> datetime.timedelta:
        return self.dt_end - self.dt_start

    @property
    def single_day(self) -> bool:
        return self.dt_start.date() == self.dt_end.date()


class RecurringRule(Base):
    """Occurrences every ``interval`` days/weeks/months/years from ``begin`` until ``finish``."""

    __tablename__ = "events_recurringrule"
    __table_args__ = (
        CheckConstraint('"interval" >= 1', name="interval_positive"),
        CheckConstraint("frequency IN (0, 1, 2, 3)", name="frequency_known"),
        CheckConstraint("finish >= begin", name="finish_after_begin"),
    )

    event_id: Mapped[int] = mapped_column(ForeignKey("events_event.id", ondelete="CASCADE"), index=True)
    begin: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    finish: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    duration: Mapped[str] = mapped_column(String(50), default="15 min")
    duration_internal: Mapped[datetime.timedelta] = mapped_column(Interval(), default=datetime.timedelta(minutes=15))
    interval: Mapped[int] = mapped_column(SmallInteger, default=1)
    frequency: Mapped[int] = mapped_column(SmallInteger, default=Frequency.WEEKLY)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)

    event: Mapped[Event] = relationship(back_populates="recurring_rules", lazy="raise")

    def __str__(self) -> str:
        label = Frequency(self.frequency).label
        return f"{label} every {self.interval} from {self.begin:%Y-%m-%d} to {self.finish:%Y-%m-%d}"

    def to_rrule(self) -> rrule.rrule:
        return make_rrule(self.frequency, self.interval, self.begin, self.finish)

    def next_after(self, moment: datetime.datetime) -> datetime.datetime | None:
        return self.to_rrule().after(moment)

    def last_before(self, moment: datetime.datetime) -> datetime.datetime | None:
        return self.to_rrule().before(moment)

    @property
    def dt_start(self) -> datetime.datetime:
        """Django's property: the next occurrence after now, or now when there is none."""
        now = utcnow()
        return self.next_after(now) or now

    @property
    def dt_end(self) -> datetime.datetime:
        return self.dt_start + self.duration_internal


class Alarm(ContentManageable, Base):
    """Kept for parity with Django's table; like Django, nothing sends alarms yet."""

    __tablename__ = "events_alarm"
    __table_args__ = (CheckConstraint("trigger >= 0", name="trigger_positive"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events_event.id", ondelete="CASCADE"), index=True)
    trigger: Mapped[int] = mapped_column(SmallInteger, default=24)


class EventSubmission(ContentManageable, Base):
    """An event proposed through ``/events/submit/``, mailed to the events team and kept for staff."""

    __tablename__ = "events_eventsubmission"
    __table_args__ = (CheckConstraint("date_to >= date_from", name="dates_in_order"),)

    event_name: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(100))
    python_focus: Mapped[str] = mapped_column(String(100))
    expected_attendees: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(255))
    date_from: Mapped[datetime.date] = mapped_column(Date)
    date_to: Mapped[datetime.date] = mapped_column(Date)
    recurrence: Mapped[str] = mapped_column(String(100), default="")
    link: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    submitter_email: Mapped[str] = mapped_column(String(254))
    handled: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    def __str__(self) -> str:
        return self.event_name


@event.listens_for(RecurringRule, "before_insert")
@event.listens_for(RecurringRule, "before_update")
def _parse_rule_duration(_mapper: object, _connection: object, rule: RecurringRule) -> None:
    """Django parses ``duration`` into ``duration_internal`` on save; forms validate it first."""
    rule.duration_internal = parse_duration(rule.duration)
