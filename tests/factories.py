"""Model factories: rows with valid defaults and unique names, so a test states only what it is about.

``build_*`` return unsaved rows (add them to a session yourself); every field can be overridden by keyword.
Names carry a per-process counter, so tests sharing the session-wide database never collide.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from pydotorg.db.base import utcnow
from pydotorg.db.models import Calendar, Event, Job, OccurringRule, Release
from pydotorg.db.models.jobs import JobStatus

_serial = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_serial)}"


def build_job(category_id: int, **fields: Any) -> Job:
    """An approved, listed job (expiring in 30 days) in ``category_id``."""
    values: dict[str, Any] = {
        "job_title": unique("Python developer"),
        "company_name": "Example Corp",
        "city": "Oslo",
        "country": "Norway",
        "email": "jobs@example.org",
        "description": "Write Python.",
        "requirements": "Know Python.",
        "category_id": category_id,
        "status": JobStatus.APPROVED,
        "expires": utcnow() + datetime.timedelta(days=30),
    }
    values.update(fields)
    return Job(**values)


def build_calendar(**fields: Any) -> Calendar:
    slug = unique("calendar")
    values: dict[str, Any] = {"name": slug.replace("-", " ").title(), "slug": slug}
    values.update(fields)
    return Calendar(**values)


def build_event(calendar: Calendar, *, starts_in: datetime.timedelta | None = None, **fields: Any) -> Event:
    """An event in ``calendar`` that happens once, a week from now (or ``starts_in`` from now), for two hours."""
    start = utcnow() + (starts_in if starts_in is not None else datetime.timedelta(days=7))
    values: dict[str, Any] = {"title": unique("Meetup"), "calendar": calendar, "description": "Talks."}
    values.update(fields)
    event = Event(**values)
    event.occurring_rule = OccurringRule(dt_start=start, dt_end=start + datetime.timedelta(hours=2))
    return event


def build_release(**fields: Any) -> Release:
    """A published Python 3 release with a unique (far-future) version number."""
    number = next(_serial)
    name = fields.pop("name", f"Python 9.{number}.0")
    values: dict[str, Any] = {
        "name": name,
        "slug": name.lower().replace(" ", "-").replace(".", ""),
        "is_published": True,
        "release_date": utcnow(),
    }
    values.update(fields)
    return Release(**values)
