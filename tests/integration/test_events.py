"""The events section: every row of inventory §2.9's URL table, the submission form, the feeds and the admin."""

from __future__ import annotations

import datetime
import secrets
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from icalendar import Calendar as ICalendar
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, select

from pydotorg.db.base import utcnow
from pydotorg.db.models import (
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventSubmission,
    OccurringRule,
    RecurringRule,
)
from pydotorg.db.models.events import Frequency
from pydotorg.settings import Settings
from tests.conftest import csrf_token, delete_user, log_in, make_user, post_form, wait_for_mail

pytestmark = pytest.mark.usefixtures("backend")


@dataclass
class CalendarData:
    calendar_id: int
    slug: str
    other_slug: str
    category_slug: str
    other_category_slug: str
    venue_id: int
    upcoming_ids: list[int]
    past_id: int
    recurring_id: int
    now_id: int


async def _make_event(
    session: object,
    calendar_id: int,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime,
    **extra: object,
) -> Event:
    event = Event(
        calendar_id=calendar_id,
        title=title,
        description=f"About *{title}*.",
        occurring_rule=OccurringRule(dt_start=start, dt_end=end),
        recurring_rules=[],
        **extra,
    )
    session.add(event)  # type: ignore[attr-defined]
    return event


@pytest.fixture
async def cal(app: Litestar) -> AsyncIterator[CalendarData]:
    """A calendar with seven upcoming events (one featured, in a category, at a venue), one past, one happening
    now and one recurring; and a second calendar with a category of its own."""
    slug = f"cal-{secrets.token_hex(3)}"
    now = utcnow().replace(microsecond=0)
    async with app.state.db_config.get_session() as session:
        calendar = Calendar(name=f"Test calendar {slug}", slug=slug, description="For the tests")
        other = Calendar(name=f"Other {slug}", slug=f"{slug}-other")
        session.add_all([calendar, other])
        await session.flush()
        category = EventCategory(name=f"Sprints {slug}", calendar_id=calendar.id)
        other_category = EventCategory(name=f"Elsewhere {slug}", calendar_id=other.id)
        venue = EventLocation(name="Test venue", address="1 Python Way", calendar_id=calendar.id)
        session.add_all([category, other_category, venue])
        await session.flush()
        upcoming = []
        for n in range(7):
            start = now + datetime.timedelta(days=n + 1)
            extra: dict[str, object] = {}
            if n == 0:
                extra = {"featured": True, "categories": [category], "venue_id": venue.id}
            upcoming.append(
                await _make_event(
                    session, calendar.id, f"Upcoming {n}", start, start + datetime.timedelta(hours=3), **extra
                )
            )
        past = await _make_event(
            session, calendar.id, "Long gone", now - datetime.timedelta(days=10), now - datetime.timedelta(days=9)
        )
        running = await _make_event(
            session, calendar.id, "Running now", now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=1)
        )
        recurring = Event(
            calendar_id=calendar.id,
            title="Fortnightly meetup",
            description="",
            occurring_rule=None,
            recurring_rules=[
                RecurringRule(
                    begin=now - datetime.timedelta(days=30, hours=-2),
                    finish=now + datetime.timedelta(days=60),
                    duration="2 hours",
                    interval=2,
                    frequency=Frequency.WEEKLY,
                )
            ],
        )
        session.add(recurring)
        await session.commit()
        data = CalendarData(
            calendar_id=calendar.id,
            slug=slug,
            other_slug=other.slug,
            category_slug=category.slug,
            other_category_slug=other_category.slug,
            venue_id=venue.id,
            upcoming_ids=[e.id for e in upcoming],
            past_id=past.id,
            recurring_id=recurring.id,
            now_id=running.id,
        )
    yield data
    async with app.state.db_config.get_session() as session:
        await session.execute(delete(Calendar).where(Calendar.slug.in_([slug, f"{slug}-other"])))
        await session.execute(
            delete(EventCategory).where(EventCategory.slug.in_([data.category_slug, data.other_category_slug]))
        )
        await session.commit()


async def test_events_homepage(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    response = await client.get("/events/")
    assert response.status_code == 200
    html = response.text
    upcoming, _, rest = html.partition("You just missed")
    assert "Upcoming 0" in upcoming and "Fortnightly meetup" in upcoming
    assert "Happening now" in html and "Running now" in html.split("Upcoming events", 1)[0]
    # "you just missed": the two latest past occurrences, the fortnightly meetup's (two days ago) first
    missed = rest.split("</ul>", 1)[0]
    assert missed.count('class="event-item"') == 2
    assert missed.index("Fortnightly meetup") < missed.index("Long gone") and "Long gone" not in upcoming
    # the homepage's "Upcoming Events" widget (Django's get_events_upcoming tag, five events)
    home = await client.get("/")
    widget = home.text.split("Upcoming Events", 1)[1].split("</ul>", 1)[0]
    assert widget.count("<li>") == 5 and "/events/" in widget


async def test_calendar_list_and_calendar_page(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    listing = await client.get("/events/calendars/")
    assert listing.status_code == 200 and f"/events/{cal.slug}/" in listing.text
    page = await client.get(f"/events/{cal.slug}/")
    assert page.status_code == 200
    html = page.text
    # six per page, soonest first; the featured event is shown on its own
    assert 'class="featured-event"' in html and "Upcoming 0" in html.split('class="featured-event"', 1)[1]
    listed = html.split('class="list-events"', 1)[1].split("</ul>", 1)[0]
    assert listed.count('class="event-item"') == 6
    assert listed.index("Upcoming 0") < listed.index("Upcoming 1") < listed.index("Upcoming 5")
    # Django's "upcoming" is what starts later: an event already running is not listed (the homepage shows it)
    assert "Running now" not in listed
    assert "Page 1 of 2" in html
    # the feeds are linked, and the sidebar lists the calendar's categories and locations
    for suffix in ("feed.ics", "feed.rss", "feed.atom"):
        assert f"/events/{cal.slug}/{suffix}" in html
    assert f"/events/{cal.slug}/categories/{cal.category_slug}/" in html
    assert f"/events/{cal.slug}/locations/{cal.venue_id}/" in html
    second = await client.get(f"/events/{cal.slug}/?page=2")
    assert second.status_code == 200 and "Page 2 of 2" in second.text
    assert (await client.get(f"/events/{cal.slug}/?page=3")).status_code == 404
    assert (await client.get(f"/events/{cal.slug}/?page=x")).status_code == 404
    assert (await client.get("/events/no-such-calendar/")).status_code == 404
    # Django's APPEND_SLASH
    redirect = await client.get(f"/events/{cal.slug}", follow_redirects=False)
    assert redirect.status_code == 301 and redirect.headers["location"] == f"/events/{cal.slug}/"


async def test_past_events(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    response = await client.get(f"/events/{cal.slug}/past/")
    assert response.status_code == 200
    assert "Long gone" in response.text and "Upcoming 3" not in response.text


async def test_categories(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    index = await client.get(f"/events/{cal.slug}/categories/")
    assert index.status_code == 200 and cal.category_slug in index.text and cal.other_category_slug not in index.text
    listed = await client.get(f"/events/{cal.slug}/categories/{cal.category_slug}/")
    assert listed.status_code == 200 and "Upcoming 0" in listed.text and "Upcoming 1" not in listed.text
    # a category of another calendar is not found here (Django: 404 if the category is not in this calendar)
    assert (await client.get(f"/events/{cal.slug}/categories/{cal.other_category_slug}/")).status_code == 404
    assert (await client.get(f"/events/{cal.slug}/categories/nope/")).status_code == 404


async def test_locations(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    index = await client.get(f"/events/{cal.slug}/locations/")
    assert index.status_code == 200 and "Test venue" in index.text and "1 Python Way" in index.text
    listed = await client.get(f"/events/{cal.slug}/locations/{cal.venue_id}/")
    assert listed.status_code == 200 and "Upcoming 0" in listed.text and "Upcoming 2" not in listed.text
    assert (await client.get(f"/events/{cal.other_slug}/locations/{cal.venue_id}/")).status_code == 404
    assert (await client.get(f"/events/{cal.slug}/locations/999999/")).status_code == 404


async def test_events_from_a_date(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    day = utcnow() + datetime.timedelta(days=5)
    response = await client.get(f"/events/{cal.slug}/date/{day:%Y/%m/%d}/")
    assert response.status_code == 200
    assert "Upcoming 5" in response.text and "Upcoming 2" not in response.text
    for bad in ("2027/02/31", "2027/13/01", "2027/00/10"):
        assert (await client.get(f"/events/{cal.slug}/date/{bad}/")).status_code == 404


async def test_event_detail_checks_the_calendar(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    first = cal.upcoming_ids[0]
    response = await client.get(f"/events/{cal.slug}/{first}/")
    assert response.status_code == 200
    html = response.text
    assert "Upcoming 0" in html and "<em>Upcoming 0</em>" in html and "Test venue" in html
    assert f"/events/{cal.slug}/{first}/event.ics" in html
    # "explore" links: the next start plus 7, 30, 90 and 365 days
    start = utcnow() + datetime.timedelta(days=1)
    for days in (7, 30, 90, 365):
        assert f"/events/{cal.slug}/date/{start + datetime.timedelta(days=days):%Y/%m/%d}/" in html
    # the next event of the calendar is linked
    assert f"/events/{cal.slug}/{cal.upcoming_ids[1]}/" in html
    # Django showed any event under any calendar slug; here only its own calendar finds it
    assert (await client.get(f"/events/{cal.other_slug}/{first}/")).status_code == 404
    assert (await client.get(f"/events/{cal.slug}/99999999/")).status_code == 404
    recurring = await client.get(f"/events/{cal.slug}/{cal.recurring_id}/")
    assert recurring.status_code == 200 and "Repeats weekly (every 2)" in recurring.text


async def test_calendar_ics_feed(client: AsyncTestClient[Litestar], cal: CalendarData) -> None:
    response = await client.get(f"/events/{cal.slug}/feed.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
    parsed = ICalendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    assert len(events) == 10
    rule = events["Fortnightly meetup"]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    assert events["Upcoming 0"]["LOCATION"] == "Test venue"
    single = await client.get(f"/events/{cal.slug}/{cal.upcoming_ids[0]}/event.ics")
    assert [str(e["SUMMARY"]) for e in ICalendar.from_ical(single.content).walk("VEVENT")] == ["Upcoming 0"]
    assert (await client.get(f"/events/{cal.other_slug}/{cal.upcoming_ids[0]}/event.ics")).status_code == 404


@pytest.mark.parametrize("kind", ["rss", "atom"])
async def test_calendar_rss_and_atom(client: AsyncTestClient[Litestar], cal: CalendarData, kind: str) -> None:
    response = await client.get(f"/events/{cal.slug}/feed.{kind}")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    text = ET.tostring(root, encoding="unicode")
    assert "Upcoming 0" in text and "Fortnightly meetup" in text and "Long gone" not in text
    if kind == "rss":
        titles = [t.text for t in root.iter("title")]
        assert titles[0] == f"Test calendar {cal.slug}: upcoming events"


async def test_submit_needs_login(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/events/submit/", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"].startswith("/accounts/login/?next=")
    thanks = await client.get("/events/submit/thanks/")
    assert thanks.status_code == 200 and "Thank you for your submission" in thanks.text


SUBMISSION = {
    "event_name": "PyCon Testland",
    "event_type": "Conference",
    "python_focus": "Everything",
    "expected_attendees": "300",
    "location": "Testville",
    "date_from": "2027-05-01",
    "date_to": "2027-05-03",
    "recurrence": "",
    "link": "https://pycon.example.org/",
    "description": "Three days of talks.",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_to": "2027-04-30"}, "The event cannot end before it starts."),
        ({"date_from": "2027-02-31"}, "Enter a valid date."),
        ({"event_name": ""}, "This field is required."),
        ({"event_name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL"),
    ],
)
async def test_submit_errors_store_nothing(
    client: AsyncTestClient[Litestar], app: Litestar, changes: dict[str, str], message: str
) -> None:
    await make_user(app, "eventbad")
    try:
        await log_in(client, "eventbad")
        response = await post_form(client, "/events/submit/", {**SUBMISSION, **changes})
        assert response.status_code == 400 and message in response.text
        async with app.state.db_config.get_session() as session:
            count = (
                await session.execute(
                    select(func.count()).where(EventSubmission.submitter_email == "eventbad@example.org")
                )
            ).scalar_one()
            assert count == 0
    finally:
        await delete_user(app, "eventbad")


async def test_submit_stores_and_mails(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    await make_user(app, "eventer")
    try:
        await log_in(client, "eventer")
        response = await post_form(client, "/events/submit/", SUBMISSION)
        assert response.status_code == 302 and response.headers["location"] == "/events/submit/thanks/"
        async with app.state.db_config.get_session() as session:
            stored = (
                await session.execute(select(EventSubmission).where(EventSubmission.event_name == "PyCon Testland"))
            ).scalar_one()
            assert stored.submitter_email == "eventer@example.org" and stored.date_to == datetime.date(2027, 5, 3)
            submission_id = stored.id
        mails = await wait_for_mail(seeded_settings, "events@python.org")
        mail = next(m for m in mails if "PyCon Testland" in str(m["Subject"]))
        assert str(mail["Subject"]) == 'New event submission: "PyCon Testland"'
        assert mail["Reply-To"] == "eventer@example.org"
        assert "Three days of talks." in mail.get_content()
        assert f"/admin/events/eventsubmission/{submission_id}/change/" in mail.get_content()
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(EventSubmission).where(EventSubmission.event_name == "PyCon Testland"))
            await session.commit()
        await delete_user(app, "eventer")


async def test_admin_manages_events_with_rules_inline(
    client: AsyncTestClient[Litestar], app: Litestar, cal: CalendarData
) -> None:
    await make_user(app, "eventadmin", is_superuser=True)
    try:
        await log_in(client, "eventadmin")
        event_id = cal.upcoming_ids[0]
        change = await client.get(f"/admin/events/event/{event_id}/change/")
        assert change.status_code == 200
        assert "Occurring rule" in change.text and "Recurring rules" in change.text
        assert "/admin/events/occurringrule/" in change.text
        for model in (
            "calendar",
            "event",
            "eventlocation",
            "eventcategory",
            "occurringrule",
            "recurringrule",
            "alarm",
            "eventsubmission",
        ):
            assert (await client.get(f"/admin/events/{model}/")).status_code == 200, model

        # a recurring rule that never ends, has no interval, or an unreadable duration is refused with field errors
        url = "/admin/events/recurringrule/add/"
        base = {
            "event_id": str(cal.recurring_id),
            "begin": "2027-01-10T18:00",
            "finish": "2027-06-10T18:00",
            "duration": "2 hours",
            "interval": "1",
            "frequency": "2",
        }
        for changes, message in [
            ({"finish": "2026-01-10T18:00"}, "cannot finish before it begins"),
            ({"interval": "0"}, "at least 1"),
            ({"duration": "soon"}, "cannot read"),
            ({"frequency": "9"}, "Not a valid choice"),
        ]:
            response = await client.post(
                url, data={**base, **changes, "_csrf_token": await csrf_token(client, url)}, follow_redirects=False
            )
            assert response.status_code == 400 and message in response.text, (changes, response.text[-500:])
        response = await client.post(
            url, data={**base, "_csrf_token": await csrf_token(client, url)}, follow_redirects=False
        )
        assert response.status_code == 302
        async with app.state.db_config.get_session() as session:
            rules = (
                (await session.execute(select(RecurringRule).where(RecurringRule.event_id == cal.recurring_id)))
                .scalars()
                .all()
            )
            assert len(rules) == 2
            assert any(r.duration_internal == datetime.timedelta(hours=2) and r.interval == 1 for r in rules)

        # an occurring rule that ends before it starts
        url = "/admin/events/occurringrule/add/"
        response = await client.post(
            url,
            data={
                "event_id": str(cal.recurring_id),
                "dt_start": "2027-01-10T18:00",
                "dt_end": "2027-01-09T18:00",
                "_csrf_token": await csrf_token(client, url),
            },
            follow_redirects=False,
        )
        assert response.status_code == 400 and "cannot end before it starts" in response.text
    finally:
        await delete_user(app, "eventadmin")


async def test_recurring_events_take_their_place_in_limited_lists(
    client: AsyncTestClient[Litestar], app: Litestar, cal: CalendarData
) -> None:
    """The single events fill the first page, yet a daily rule whose next occurrence is sooner comes first, and its
    last occurrence heads the "just missed" list."""
    now = utcnow().replace(microsecond=0)
    async with app.state.db_config.get_session() as session:
        session.add(
            Event(
                calendar_id=cal.calendar_id,
                title="Daily standup",
                description="",
                occurring_rule=None,
                recurring_rules=[
                    RecurringRule(
                        begin=now - datetime.timedelta(days=5, hours=-3),
                        finish=now + datetime.timedelta(days=10),
                        duration="1 hour",
                        interval=1,
                        frequency=Frequency.DAILY,
                    )
                ],
            )
        )
        await session.commit()
    html = (await client.get(f"/events/{cal.slug}/")).text
    listed = html.split('class="list-events"', 1)[1].split("</ul>", 1)[0]
    assert listed.count('class="event-item"') == 6
    assert listed.index("Daily standup") < listed.index("Upcoming 0") and "Upcoming 5" not in listed
    missed = html.split("You just missed", 1)[1]
    assert missed.index("Daily standup") < missed.index("Fortnightly meetup")
