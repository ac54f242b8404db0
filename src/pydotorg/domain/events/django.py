"""Calendars, their categories and locations, events with their occurring and recurring rules and alarms."""

from __future__ import annotations

from pydotorg.db.base import Base
from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Alarm, Calendar, Event, EventCategory, EventLocation, OccurringRule, RecurringRule

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("events_calendar", table_of(Calendar), changed_column="updated"),
    DjangoTable("events_eventcategory", table_of(EventCategory)),
    DjangoTable("events_eventlocation", table_of(EventLocation)),
    DjangoTable("events_event", table_of(Event), changed_column="updated"),
    DjangoTable("events_event_categories", Base.metadata.tables["events_event_categories"]),
    DjangoTable("events_occurringrule", table_of(OccurringRule)),
    DjangoTable("events_recurringrule", table_of(RecurringRule)),
    DjangoTable("events_alarm", table_of(Alarm), changed_column="updated"),
)
