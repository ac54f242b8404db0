"""Admin registrations of every events model; an event's change page lists its rules inline."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.events import (
    Alarm,
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventSubmission,
    Frequency,
    OccurringRule,
    RecurringRule,
    parse_duration,
)
from pydotorg.domain.admin.registry import ManyToMany, ModelAdmin, register

FREQUENCY_CHOICES = [(f.value, f.label) for f in Frequency]


async def validate_occurring_rule(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    start, end = form["dt_start"].data, form["dt_end"].data
    if start and end and end < start:
        return {"dt_end": "The event cannot end before it starts."}
    return {}


async def validate_recurring_rule(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    begin, finish = form["begin"].data, form["finish"].data
    if begin and finish and finish < begin:
        errors["finish"] = "The recurrence cannot finish before it begins."
    interval = form["interval"].data
    if interval is not None and interval < 1:
        errors["interval"] = "The interval must be at least 1."
    try:
        parse_duration(form["duration"].data or "")
    except ValueError as exc:
        errors["duration"] = str(exc)
    return errors


register(
    ModelAdmin(
        model=Calendar,
        app_label="events",
        model_name="calendar",
        verbose_name="calendar",
        verbose_name_plural="calendars",
        list_display=["name", "slug", "url"],
        search_fields=["name", "slug"],
        ordering="name",
        fields=["name", "slug", "description", "url", "rss", "embed", "twitter"],
        help_texts={
            "url": "The iCalendar (.ics) source imported by the ICS import job; leave empty for a local calendar.",
            "slug": "Used in /events/<slug>/.",
        },
        related=[("Events", "events.event", "calendar_id")],
    )
)

register(
    ModelAdmin(
        model=Event,
        app_label="events",
        model_name="event",
        verbose_name="event",
        verbose_name_plural="events",
        list_display=["title", "calendar_id", "featured", "uid"],
        search_fields=["title"],
        list_filter=["calendar_id", "featured"],
        ordering="-id",
        fields=[
            "title",
            "calendar_id",
            "description",
            "description_markup_type",
            "venue_id",
            "categories",
            "featured",
            "uid",
        ],
        fk_select={"calendar_id": Calendar},
        many_to_many={
            "categories": ManyToMany("categories", EventCategory),
        },
        help_texts={"venue_id": "The id of an event location (raw id, as in Django's admin)."},
        related=[
            ("Occurring rule", "events.occurringrule", "event_id"),
            ("Recurring rules", "events.recurringrule", "event_id"),
            ("Alarms", "events.alarm", "event_id"),
        ],
    )
)

register(
    ModelAdmin(
        model=EventLocation,
        app_label="events",
        model_name="eventlocation",
        verbose_name="event location",
        verbose_name_plural="event locations",
        list_display=["name", "address", "calendar_id"],
        search_fields=["name", "address"],
        list_filter=["calendar_id"],
        ordering="name",
        fields=["name", "address", "url", "calendar_id"],
        fk_select={"calendar_id": Calendar},
    )
)

register(
    ModelAdmin(
        model=EventCategory,
        app_label="events",
        model_name="eventcategory",
        verbose_name="event category",
        verbose_name_plural="event categories",
        list_display=["name", "slug", "calendar_id"],
        search_fields=["name", "slug"],
        list_filter=["calendar_id"],
        ordering="name",
        fields=["name", "slug", "calendar_id"],
        fk_select={"calendar_id": Calendar},
    )
)

register(
    ModelAdmin(
        model=OccurringRule,
        app_label="events",
        model_name="occurringrule",
        verbose_name="occurring rule",
        verbose_name_plural="occurring rules",
        list_display=["event_id", "dt_start", "dt_end", "all_day"],
        ordering="-dt_start",
        fields=["event_id", "dt_start", "dt_end", "all_day"],
        help_texts={"dt_start": "UTC.", "dt_end": "UTC; for an all-day event, its last day."},
        validate=validate_occurring_rule,
    )
)

register(
    ModelAdmin(
        model=RecurringRule,
        app_label="events",
        model_name="recurringrule",
        verbose_name="recurring rule",
        verbose_name_plural="recurring rules",
        list_display=["event_id", "begin", "finish", "frequency", "interval", "duration"],
        ordering="-begin",
        fields=["event_id", "begin", "finish", "duration", "interval", "frequency", "all_day"],
        choices={"frequency": FREQUENCY_CHOICES},
        help_texts={"duration": "How long each occurrence lasts, e.g. '15 min', '2 hours', '1 day'."},
        validate=validate_recurring_rule,
    )
)

register(
    ModelAdmin(
        model=Alarm,
        app_label="events",
        model_name="alarm",
        verbose_name="alarm",
        verbose_name_plural="alarms",
        list_display=["event_id", "trigger"],
        ordering="-id",
        fields=["event_id", "trigger"],
        help_texts={"trigger": "Hours before the event."},
    )
)

register(
    ModelAdmin(
        model=EventSubmission,
        app_label="events",
        model_name="eventsubmission",
        verbose_name="event submission",
        verbose_name_plural="event submissions",
        list_display=["event_name", "date_from", "date_to", "location", "submitter_email", "handled"],
        search_fields=["event_name", "location", "submitter_email"],
        list_filter=["handled"],
        ordering="-id",
        fields=[
            "event_name",
            "event_type",
            "python_focus",
            "expected_attendees",
            "location",
            "date_from",
            "date_to",
            "recurrence",
            "link",
            "description",
            "submitter_email",
            "handled",
        ],
        help_texts={"handled": "Tick once the event is in a calendar (or declined)."},
    )
)
