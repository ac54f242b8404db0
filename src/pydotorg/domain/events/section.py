"""Events: calendars at ``/events/``, their feeds, the ICS import, and the home page's upcoming events."""

from sqlalchemy import Connection, select

from pydotorg.db.models.events import (
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventSubmission,
    OccurringRule,
    RecurringRule,
)
from pydotorg.domain.events import admin, importer  # noqa: F401  (register the admin and the import job)
from pydotorg.domain.events.cli import events_group
from pydotorg.domain.events.controllers import EventsController
from pydotorg.domain.events.django import DJANGO_TABLES
from pydotorg.domain.events.queries import upcoming_for_home
from pydotorg.domain.events.sitemap import events_sitemap
from pydotorg.web.changes import invalidates
from pydotorg.web.live import ModerationQueue, moderation_queue
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section

SECTION = Section(
    sitemaps={"events": events_sitemap},
    django_tables=DJANGO_TABLES,
    name="events",
    pages=[EventsController],
    commands=[events_group],
    home_parts={"upcoming_events": upcoming_for_home},
    periodic_jobs={"import_ics_calendars": "ics_import_cron"},
)

# Every events page carries the ``events`` surrogate key; the home page lists upcoming events.
for model in (Calendar, Event, EventCategory, EventLocation, OccurringRule, RecurringRule):
    invalidates(model, keys=["events"], urls=["/"])


def _calendar_doc(_conn: Connection, calendar: Calendar) -> Doc | None:
    return Doc(f"/events/{calendar.slug}/", calendar.name, calendar.description or "", boost=4.0)


def _event_doc(conn: Connection, event: Event) -> Doc | None:
    slug = conn.execute(select(Calendar.slug).where(Calendar.id == event.calendar_id)).scalar()
    if slug is None:
        return None
    start = conn.execute(select(OccurringRule.dt_start).where(OccurringRule.event_id == event.id)).scalar()
    boost = 1.2 if event.featured else 1.1
    return Doc(f"/events/{slug}/{event.id}/", event.title, plain_text(event.description_rendered), boost, start)


indexes(Calendar, "calendar", _calendar_doc)
indexes(Event, "event", _event_doc)

moderation_queue(
    ModerationQueue(
        name="event-submissions",
        label="Event submissions not handled",
        admin_key="events.eventsubmission",
        model=EventSubmission,
        pending=lambda: EventSubmission.handled.is_(False),
        title=lambda row: f"{row.event_name} ({row.date_from:%Y-%m-%d})",
    )
)
