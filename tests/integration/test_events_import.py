"""The ICS importer against real ``.ics`` files served over HTTP from 127.0.0.1, and the export round trip."""

from __future__ import annotations

import datetime
import os
import secrets
import sqlite3
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from pydotorg.db.models import Calendar, Event, EventLocation
from pydotorg.domain.events.importer import import_all
from pydotorg.lib.jobs import JobContext, get_job
from pydotorg.settings import Settings

pytestmark = pytest.mark.usefixtures("backend")

GOOD_ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Test//Served calendar//EN
BEGIN:VEVENT
UID:conf-2027@example.org
SUMMARY:PyCon Served
DTSTART;VALUE=DATE:20270510
DTEND;VALUE=DATE:20270513
DESCRIPTION:Talks <b>and</b> sprints<script>alert(1)</script>
LOCATION:Served Convention Centre
END:VEVENT
BEGIN:VEVENT
UID:meetup-2027@example.org
SUMMARY:Evening meetup
DTSTART:20270601T180000Z
DTEND:20270601T200000Z
LOCATION:Served Convention Centre
END:VEVENT
BEGIN:VEVENT
UID:no-end@example.org
SUMMARY:Starts only
DTSTART:20270701T090000Z
END:VEVENT
BEGIN:VEVENT
SUMMARY:No UID here
DTSTART:20270801T090000Z
END:VEVENT
BEGIN:VEVENT
UID:backwards@example.org
SUMMARY:Ends before it starts
DTSTART:20270901T090000Z
DTEND:20270801T090000Z
END:VEVENT
BEGIN:VEVENT
UID:weekly@example.org
SUMMARY:Weekly office hours
DTSTART:20270105T160000Z
DTEND:20270105T170000Z
RRULE:FREQ=WEEKLY;INTERVAL=1;UNTIL=20270330T160000Z
END:VEVENT
BEGIN:VEVENT
UID:zero@example.org
SUMMARY:Zero interval
DTSTART:20270105T160000Z
RRULE:FREQ=DAILY;INTERVAL=0;COUNT=3
END:VEVENT
END:VCALENDAR
"""


class Served:
    """A tiny HTTP server on 127.0.0.1 that serves registered bodies by path."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, bytes, str]] = {}
        files = self.files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body, content_type = files.get(self.path, (404, b"not here", "text/plain"))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def serve(self, path: str, body: bytes, content_type: str = "text/calendar", status: int = 200) -> str:
        self.files[path] = (status, body, content_type)
        return self.url(path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = Served()
    yield server
    server.close()


@pytest.fixture
async def calendar_slug(app: Litestar) -> AsyncIterator[str]:
    slug = f"ics-{secrets.token_hex(3)}"
    async with app.state.db_config.get_session() as session:
        session.add(Calendar(name=f"Imported {slug}", slug=slug))
        await session.commit()
    yield slug
    async with app.state.db_config.get_session() as session:
        await session.execute(delete(Calendar).where(Calendar.slug.like(f"{slug}%")))
        await session.commit()


async def _set_url(app: Litestar, slug: str, url: str | None) -> None:
    async with app.state.db_config.get_session() as session:
        calendar = (await session.execute(select(Calendar).where(Calendar.slug == slug))).scalar_one()
        calendar.url = url
        await session.commit()


async def _events(app: Litestar, slug: str) -> dict[str, Event]:
    async with app.state.db_config.get_session() as session:
        query = (
            select(Event)
            .join(Calendar, Calendar.id == Event.calendar_id)
            .where(Calendar.slug == slug)
            .options(selectinload(Event.occurring_rule), selectinload(Event.recurring_rules), selectinload(Event.venue))
        )
        return {e.uid or "": e for e in (await session.execute(query)).scalars().all()}


def _utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


async def test_import_by_djangos_rules(
    app: Litestar, seeded_settings: Settings, served: Served, calendar_slug: str
) -> None:
    await _set_url(app, calendar_slug, served.serve(f"/{calendar_slug}.ics", GOOD_ICS.encode()))
    [report] = await import_all(app.state.db_config.get_session, seeded_settings, calendar_slug)
    assert report.error is None
    assert (report.created, report.updated) == (4, 0)
    assert len(report.skipped) == 3
    assert any("missing 'UID'" in s for s in report.skipped)
    assert any("backwards@example.org" in s and "before it starts" in s for s in report.skipped)
    assert any("zero@example.org" in s and "at least 1" in s for s in report.skipped)

    events = await _events(app, calendar_slug)
    assert set(events) == {
        "conf-2027@example.org",
        "meetup-2027@example.org",
        "no-end@example.org",
        "weekly@example.org",
    }
    conf = events["conf-2027@example.org"]
    assert conf.title == "PyCon Served"
    # three days of dates: all-day, and the (exclusive) end moved back a day
    assert conf.occurring_rule is not None and conf.occurring_rule.all_day
    assert conf.occurring_rule.dt_start == _utc(2027, 5, 10) and conf.occurring_rule.dt_end == _utc(2027, 5, 12)
    # sanitised HTML, stored as html markup
    assert conf.description == "Talks <b>and</b> sprints" and conf.description_markup_type == "html"
    assert conf.venue is not None and conf.venue.name == "Served Convention Centre"
    # one location row per name and calendar
    assert events["meetup-2027@example.org"].venue_id == conf.venue_id
    # DTEND falls back to DTSTART
    start_only = events["no-end@example.org"].occurring_rule
    assert start_only is not None and start_only.dt_end == start_only.dt_start == _utc(2027, 7, 1, 9)
    assert not start_only.all_day
    # RRULE becomes a recurring rule (beyond Django)
    weekly = events["weekly@example.org"]
    assert weekly.occurring_rule is None and len(weekly.recurring_rules) == 1
    rule = weekly.recurring_rules[0]
    assert (rule.frequency, rule.interval, rule.duration) == (2, 1, "1 hour")
    assert rule.finish == _utc(2027, 3, 30, 16)

    # a second run updates in place by UID; a changed SUMMARY changes the title
    served.serve(f"/{calendar_slug}.ics", GOOD_ICS.replace("Evening meetup", "Evening meetup (moved)").encode())
    [again] = await import_all(app.state.db_config.get_session, seeded_settings, calendar_slug)
    assert (again.created, again.updated) == (0, 4)
    events = await _events(app, calendar_slug)
    assert len(events) == 4 and events["meetup-2027@example.org"].title == "Evening meetup (moved)"
    async with app.state.db_config.get_session() as session:
        venues = (
            (await session.execute(select(EventLocation).where(EventLocation.name == "Served Convention Centre")))
            .scalars()
            .all()
        )
        assert len(venues) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        (b"this is not a calendar", "text/calendar", 200, "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:zzz\n", "text/calendar", 200, "could not be parsed"),
        (b"gone", "text/plain", 404, "answered 404"),
        (b"BEGIN:VCALENDAR\n" + b"X-PAD:" + b"x" * 4000 + b"\nEND:VCALENDAR\n", "text/calendar", 200, "limit"),
    ],
    ids=["not-ics", "malformed", "missing", "giant"],
)
async def test_an_unusable_file_changes_nothing(
    app: Litestar,
    seeded_settings: Settings,
    served: Served,
    calendar_slug: str,
    body: bytes,
    content_type: str,
    status: int,
    message: str,
) -> None:
    settings = seeded_settings.model_copy(update={"ics_max_bytes": 2000})
    await _set_url(app, calendar_slug, served.serve(f"/{calendar_slug}.ics", GOOD_ICS.encode()))
    await import_all(app.state.db_config.get_session, settings, calendar_slug)
    before = {uid: e.title for uid, e in (await _events(app, calendar_slug)).items()}
    assert len(before) == 4

    served.serve(f"/{calendar_slug}.ics", body, content_type, status)
    [report] = await import_all(app.state.db_config.get_session, settings, calendar_slug)
    assert report.error is not None and message in report.error
    assert {uid: e.title for uid, e in (await _events(app, calendar_slug)).items()} == before


async def test_unreachable_server_and_missing_url(app: Litestar, seeded_settings: Settings, calendar_slug: str) -> None:
    await _set_url(app, calendar_slug, "http://127.0.0.1:9/closed.ics")
    settings = seeded_settings.model_copy(update={"ics_timeout": 2.0})
    [report] = await import_all(app.state.db_config.get_session, settings, calendar_slug)
    assert report.error is not None and "could not download" in report.error
    await _set_url(app, calendar_slug, None)
    [report] = await import_all(app.state.db_config.get_session, settings, calendar_slug)
    assert report.error == "the calendar has no ICS URL"
    [report] = await import_all(app.state.db_config.get_session, settings, "no-such-calendar")
    assert report.error == "no calendar with that slug"


async def test_non_utf8_file_is_read(
    app: Litestar, seeded_settings: Settings, served: Served, calendar_slug: str
) -> None:
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:latin@example.org\r\nSUMMARY:Caf\xe9 Python\r\n"
        "DTSTART:20270101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode("cp1252")
    # declared charset wins; without one, a file that is not UTF-8 is read as Windows-1252 with a warning
    await _set_url(
        app, calendar_slug, served.serve(f"/{calendar_slug}-latin.ics", body, "text/calendar; charset=iso-8859-1")
    )
    [declared] = await import_all(app.state.db_config.get_session, seeded_settings, calendar_slug)
    assert declared.error is None and not declared.warnings
    assert (await _events(app, calendar_slug))["latin@example.org"].title == "Café Python"
    await _set_url(app, calendar_slug, served.serve(f"/{calendar_slug}-guess.ics", body, "text/calendar"))
    [guessed] = await import_all(app.state.db_config.get_session, seeded_settings, calendar_slug)
    assert guessed.updated == 1 and any("not UTF-8" in w for w in guessed.warnings)


async def test_export_reimports_to_the_same_events(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings, served: Served, calendar_slug: str
) -> None:
    """Round trip: served file -> import -> our feed.ics -> import into a second calendar -> the same events."""
    await _set_url(app, calendar_slug, served.serve(f"/{calendar_slug}.ics", GOOD_ICS.encode()))
    await import_all(app.state.db_config.get_session, seeded_settings, calendar_slug)
    exported = await client.get(f"/events/{calendar_slug}/feed.ics")
    assert exported.status_code == 200

    copy = f"{calendar_slug}-copy"
    async with app.state.db_config.get_session() as session:
        session.add(Calendar(name="Copy", slug=copy, url=served.serve(f"/{copy}.ics", exported.content)))
        await session.commit()
    [report] = await import_all(app.state.db_config.get_session, seeded_settings, copy)
    assert report.error is None and report.created == 4 and not report.skipped

    def shape(event: Event) -> tuple[Any, ...]:
        rule = event.occurring_rule
        rules = [(r.begin, r.finish, r.duration, r.interval, r.frequency, r.all_day) for r in event.recurring_rules]
        return (
            event.title,
            event.description,
            event.venue.name if event.venue else None,
            (rule.dt_start, rule.dt_end, rule.all_day) if rule else None,
            rules,
        )

    original = {uid: shape(e) for uid, e in (await _events(app, calendar_slug)).items()}
    again = {uid: shape(e) for uid, e in (await _events(app, copy)).items()}
    assert again == original


async def test_import_job(app: Litestar, seeded_settings: Settings, served: Served, calendar_slug: str) -> None:
    await _set_url(app, calendar_slug, served.serve(f"/{calendar_slug}.ics", GOOD_ICS.encode()))
    ctx = JobContext(settings=seeded_settings, session_factory=app.state.db_config.get_session, stores=app.stores)
    summaries = await get_job("import_ics_calendars")(ctx, slug=calendar_slug)
    assert summaries and summaries[0].startswith(f"{calendar_slug}: 4 created, 0 updated, 3 skipped")


def test_import_ics_command(tmp_path: Path, served: Served) -> None:
    env = {**os.environ, "PYDOTORG_VAR_DIR": str(tmp_path), "PYDOTORG_ENV": "test", "COLUMNS": "400"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pydotorg", *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    assert run("database", "upgrade", "--no-prompt").returncode == 0
    assert run("seed").returncode == 0
    empty = run("events", "import-ics")
    assert empty.returncode == 0 and "no calendar has an ICS URL" in empty.stdout
    with sqlite3.connect(tmp_path / "pydotorg.sqlite3") as db:
        db.execute(
            "UPDATE events_calendar SET url = ? WHERE slug = 'python-events'",
            (served.serve("/cli.ics", GOOD_ICS.encode()),),
        )
        db.execute(
            "UPDATE events_calendar SET url = ? WHERE slug = 'python-user-group'",
            (served.serve("/cli-broken.ics", b"broken"),),
        )
    result = run("events", "import-ics")
    assert result.returncode == 1
    assert "python-events: 4 created, 0 updated, 3 skipped" in result.stdout
    assert "python-user-group: failed: the file is not an iCalendar file" in result.stdout
    assert "1 of 2 calendars could not be imported" in result.stderr
    one = run("events", "import-ics", "--calendar", "python-events")
    assert one.returncode == 0 and "0 created, 4 updated" in one.stdout
