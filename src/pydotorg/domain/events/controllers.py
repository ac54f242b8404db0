"""``/events/``: calendars, event lists and pages, the submission form, and the iCalendar/RSS/Atom feeds.

Routes are Django's, in its match order (static segments win over the calendar slug). Beyond Django, every
calendar has ``feed.ics``, ``feed.rss`` and ``feed.atom`` and every event an ``event.ics``.
"""

from __future__ import annotations

import datetime
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import utcnow
from pydotorg.db.models.events import Calendar, Event, EventCategory, EventLocation
from pydotorg.domain.events import queries, services
from pydotorg.domain.events.forms import EventForm
from pydotorg.domain.events.queries import Occurrence
from pydotorg.domain.users.auth import CurrentUser
from pydotorg.domain.users.guards import requires_login
from pydotorg.lib.feeds import Feed, FeedItem
from pydotorg.lib.forms import bind
from pydotorg.lib.ical import IcsEvent, Recurrence, build_calendar
from pydotorg.lib.pagination import Page, page_number, paginate_query
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE, cache_policy
from pydotorg.web.forms import FORM
from pydotorg.web.fragments import fragment, page_fragment, render_markup
from pydotorg.web.ratelimit import mail_limit

EVENTS_PER_PAGE = 6
INDEX_PER_PAGE = 30
EXPLORE_DAYS = (7, 30, 90, 365)
FEED_SIZE = 50
#: The events homepage lists this many upcoming events; each calendar's page lists them all, six per page.
HOMEPAGE_EVENTS = 30
NO_SLASH: dict[str, Any] = {"append_slash": False}
CACHED = cache_policy("events")


#: What a calendar's pages show of it (kept with the calendar's page part).
CALENDAR_FIELDS = ("name", "slug", "absolute_url", "description", "rss", "url", "twitter")


def _page(template: str, *, status_code: int = 200, private: bool = False, **context: Any) -> Template:
    headers = PRIVATE if private else None
    return Template(
        template_name=f"events/{template}.html",
        context=context,
        status_code=status_code,
        media_type=MediaType.HTML,
        headers=headers,
    )


async def _calendar(db_session: AsyncSession, slug: str) -> Calendar:
    calendar = await queries.calendar_by_slug(db_session, slug)
    if calendar is None:
        raise NotFoundException("No calendar with that name.")
    return calendar


async def _event_page(
    db_session: AsyncSession,
    request: Request[Any, Any, Any],
    *,
    past: bool = False,
    moment: datetime.datetime | None = None,
    **scope: Any,
) -> Page[tuple[Event, Occurrence]]:
    """A page of upcoming (or past) events, six per page, counted and cut in the database."""
    moment = moment or utcnow()
    condition = queries.until_datetime(moment) if past else queries.for_datetime(moment)
    total = await queries.count(db_session, condition, **scope)
    number = page_number(request.query_params.get("page"), total, EVENTS_PER_PAGE)
    fetch = queries.past if past else queries.upcoming
    rows = await fetch(db_session, moment, limit=number * EVENTS_PER_PAGE, **scope)
    return Page(items=rows[(number - 1) * EVENTS_PER_PAGE :], number=number, per_page=EVENTS_PER_PAGE, total=total)


def _base_url(settings: Settings) -> str:
    """Absolute URLs in feeds and calendars start at the configured site, not at the request's Host."""
    return settings.site_url.rstrip("/")


def ics_event(event: Event, base: str) -> list[IcsEvent]:
    """An event as iCalendar events: its single occurrence, and one VEVENT per recurring rule.

    The first schedule keeps the event's UID (so an exported calendar re-imports onto the same events);
    further recurring rules get ``<uid>/rule-<n>``.
    """
    uid = event.uid or f"event-{event.id}@python.org"
    url = f"{base}{event.absolute_url}"
    common: dict[str, Any] = {
        "title": event.title,
        "description": event.description,
        "location": event.venue.name if event.venue else "",
        "url": url,
        "categories": tuple(c.name for c in event.categories),
        "last_modified": event.updated,
    }
    found: list[IcsEvent] = []
    if event.occurring_rule is not None:
        rule = event.occurring_rule
        found.append(IcsEvent(uid=uid, start=rule.dt_start, end=rule.dt_end, all_day=rule.all_day, **common))
    for number, recurring in enumerate(event.recurring_rules):
        found.append(
            IcsEvent(
                uid=uid if not found else f"{uid}/rule-{number}",
                start=recurring.begin,
                end=recurring.begin + recurring.duration_internal,
                all_day=recurring.all_day,
                recurrence=Recurrence(recurring.frequency, recurring.interval, recurring.finish),
                **common,
            )
        )
    return found


class EventsController(Controller):
    path = "/events"
    include_in_schema = False
    opt = FORM

    @get("/", name="events:events", **CACHED)
    async def home(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        async def build() -> dict[str, Any]:
            now = utcnow()
            lists = render_markup(
                request,
                "events/_index_lists.html",
                upcoming_events=await queries.upcoming(db_session, now, limit=HOMEPAGE_EVENTS),
                events_just_missed=await queries.past(db_session, now, limit=2),
                events_now=(await queries.happening_now(db_session, now))[:2],
            )
            calendars = (await db_session.execute(select(Calendar).order_by(Calendar.name))).scalars()
            return {"lists": lists, "calendars": [{"absolute_url": c.absolute_url, "name": c.name} for c in calendars]}

        # The same for every visitor: built once per content change, or a minute as events start and end.
        return _page("index", **await fragment(request, "events:index", build))

    @get("/calendars/", name="events:calendar_list", **CACHED)
    async def calendars(self, db_session: AsyncSession) -> Template:
        rows = (await db_session.execute(select(Calendar).order_by(Calendar.name))).scalars().all()
        return _page("calendar_list", calendars=rows)

    # -- submissions ------------------------------------------------------------------------------------------------
    @get("/submit/", name="events:event_submit", guards=[requires_login])
    async def submit_form(self) -> Template:
        return _page("event_form", form=EventForm(), private=True)

    @post(
        "/submit/",
        name="events:event_submit_post",
        guards=[requires_login],
        status_code=200,
        middleware=[mail_limit("event-submit")],
    )
    async def submit(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings, viewer: CurrentUser | None
    ) -> Response[Any]:
        if viewer is None:  # the guard ran first
            raise PermissionDeniedException()
        form = await bind(EventForm, request)
        if not form.validate():
            return _page("event_form", form=form, private=True, status_code=HTTP_400_BAD_REQUEST)
        await services.submit_event(db_session, settings, viewer, form.populate_obj)
        await db_session.commit()  # the mail to the events team leaves with the stored submission
        return Redirect("/events/submit/thanks/")

    @get("/submit/thanks/", name="events:event_thanks", **CACHED)
    async def thanks(self) -> Template:
        return _page("event_thanks")

    # -- one calendar -------------------------------------------------------------------------------------------------
    @get("/{cal:str}/categories/{slug:str}/", name="events:eventlist_category", **CACHED)
    async def by_category(
        self, request: Request[Any, Any, Any], cal: str, slug: str, db_session: AsyncSession
    ) -> Template:
        calendar = await _calendar(db_session, cal)
        query = select(EventCategory).where(EventCategory.calendar_id == calendar.id, EventCategory.slug == slug)
        category = (await db_session.execute(query)).scalars().first()
        if category is None:
            raise NotFoundException("No such category in this calendar.")
        return _page(
            "event_list",
            calendar=calendar,
            heading=f"Upcoming events in “{category.name}”",
            page=await _event_page(db_session, request, calendar_id=calendar.id, category_id=category.id),
            category=category,
        )

    @get("/{cal:str}/categories/", name="events:eventcategory_list", **CACHED)
    async def categories(self, request: Request[Any, Any, Any], cal: str, db_session: AsyncSession) -> Template:
        calendar = await _calendar(db_session, cal)
        page = await paginate_query(
            db_session, queries.categories_query(calendar.id), request.query_params.get("page"), INDEX_PER_PAGE
        )
        return _page("category_list", calendar=calendar, page=page)

    @get("/{cal:str}/locations/{pk:int}/", name="events:eventlist_location", **CACHED)
    async def by_location(
        self, request: Request[Any, Any, Any], cal: str, pk: int, db_session: AsyncSession
    ) -> Template:
        calendar = await _calendar(db_session, cal)
        location = await db_session.get(EventLocation, pk)
        if location is None or location.calendar_id not in (None, calendar.id):
            raise NotFoundException("No such location in this calendar.")
        return _page(
            "event_list",
            calendar=calendar,
            heading=f"Upcoming events at {location.name}",
            page=await _event_page(db_session, request, calendar_id=calendar.id, venue_id=location.id),
            location=location,
        )

    @get("/{cal:str}/locations/", name="events:eventlocation_list", **CACHED)
    async def locations(self, request: Request[Any, Any, Any], cal: str, db_session: AsyncSession) -> Template:
        calendar = await _calendar(db_session, cal)
        page = await paginate_query(
            db_session, queries.locations_query(calendar.id), request.query_params.get("page"), INDEX_PER_PAGE
        )
        return _page("location_list", calendar=calendar, page=page)

    @get("/{cal:str}/date/{year:int}/{month:int}/{day:int}/", name="events:eventlist_date", **CACHED)
    async def by_date(
        self, request: Request[Any, Any, Any], cal: str, *, year: int, month: int, day: int, db_session: AsyncSession
    ) -> Template:
        calendar = await _calendar(db_session, cal)
        try:
            moment = datetime.datetime(year, month, day, tzinfo=datetime.UTC)
        except ValueError:
            raise NotFoundException(f"{year:04d}-{month:02d}-{day:02d} is not a date.") from None
        return _page(
            "event_list",
            calendar=calendar,
            heading=f"Events from {moment:%d %B %Y}",
            page=await _event_page(db_session, request, moment=moment, calendar_id=calendar.id),
        )

    @get("/{cal:str}/{pk:int}/", name="events:event_detail", **CACHED)
    async def detail(self, cal: str, pk: int, db_session: AsyncSession) -> Template:
        event = await self._event(db_session, cal, pk)
        when = queries.next_or_previous_time(event)
        previous_event, next_event = await queries.neighbours(db_session, event)
        explore = []
        if when is not None:
            explore = [(days, when.start + datetime.timedelta(days=days)) for days in EXPLORE_DAYS]
        return _page(
            "event_detail",
            event=event,
            calendar=event.calendar,
            occurrence=when,
            upcoming=queries.next_time(event),
            is_past=queries.is_past(event),
            explore=explore,
            previous_event=previous_event,
            next_event=next_event,
        )

    @get("/{cal:str}/{pk:int}/event.ics", name="events:event_ics", opt=NO_SLASH, **CACHED)
    async def detail_ics(self, cal: str, pk: int, db_session: AsyncSession, settings: Settings) -> Response[bytes]:
        event = await self._event(db_session, cal, pk)
        body = build_calendar(event.title, event.calendar.name, ics_event(event, _base_url(settings)))
        return _ics_response(body, f"event-{event.id}.ics")

    async def _event(self, db_session: AsyncSession, cal: str, pk: int) -> Event:
        """The event, only under its own calendar (Django ignored the slug, so any slug showed any event)."""
        event = (await db_session.execute(queries.events_query().where(Event.id == pk))).scalars().first()
        if event is None or event.calendar.slug != cal:
            raise NotFoundException("No such event in this calendar.")
        return event

    @get("/{cal:str}/past/", name="events:event_list_past", **CACHED)
    async def past(self, request: Request[Any, Any, Any], cal: str, db_session: AsyncSession) -> Template:
        calendar = await _calendar(db_session, cal)
        return _page(
            "event_list",
            calendar=calendar,
            heading="Past events",
            page=await _event_page(db_session, request, past=True, calendar_id=calendar.id),
            is_past_list=True,
        )

    @get("/{cal:str}/", name="events:event_list", **CACHED)
    async def calendar_page(self, request: Request[Any, Any, Any], cal: str, db_session: AsyncSession) -> Template:
        async def build() -> dict[str, Any]:
            calendar = await _calendar(db_session, cal)
            now = utcnow()
            featured = await queries.upcoming(db_session, now, limit=1, calendar_id=calendar.id, featured=True)
            categories = (await db_session.execute(queries.categories_query(calendar.id).limit(10))).scalars()
            locations = (await db_session.execute(queries.locations_query(calendar.id).limit(10))).scalars()
            heading = f"Upcoming events: {calendar.name}"
            listing = render_markup(
                request,
                "events/_list.html",
                calendar=calendar,
                page=await _event_page(db_session, request, moment=now, calendar_id=calendar.id),
                featured=featured[0] if featured else None,
                events_today=await queries.past(db_session, now, limit=2, calendar_id=calendar.id),
                is_calendar_home=True,
            )
            return {
                "calendar": {key: getattr(calendar, key) for key in CALENDAR_FIELDS},
                "heading": heading,
                "listing": listing,
                "categories": [{"slug": c.slug, "name": c.name} for c in categories],
                "locations": [{"id": location.id, "name": location.name} for location in locations],
            }

        # A calendar's home page: the same for every visitor, kept until events change or a minute passes.
        return _page("event_list", **await page_fragment(request, f"events:calendar:{cal}", build))

    # -- feeds (beyond Django) ----------------------------------------------------------------------------------------
    @get("/{cal:str}/feed.ics", name="events:calendar_ics", opt=NO_SLASH, **CACHED)
    async def calendar_ics(self, cal: str, db_session: AsyncSession, settings: Settings) -> Response[bytes]:
        calendar = await _calendar(db_session, cal)
        rows = (
            (
                await db_session.execute(
                    queries.events_query().where(Event.calendar_id == calendar.id).order_by(Event.id)
                )
            )
            .scalars()
            .unique()
            .all()
        )
        base = _base_url(settings)
        entries = [item for event in rows for item in ics_event(event, base)]
        body = build_calendar(calendar.name, calendar.description or "", entries, url=f"{base}{calendar.absolute_url}")
        return _ics_response(body, f"{calendar.slug}.ics")

    @get("/{cal:str}/feed.rss", name="events:calendar_rss", opt=NO_SLASH, **CACHED)
    async def calendar_rss(
        self, request: Request[Any, Any, Any], cal: str, db_session: AsyncSession, settings: Settings
    ) -> Response[bytes]:
        return await self._feed(request, cal, db_session, settings, atom=False)

    @get("/{cal:str}/feed.atom", name="events:calendar_atom", opt=NO_SLASH, **CACHED)
    async def calendar_atom(
        self, request: Request[Any, Any, Any], cal: str, db_session: AsyncSession, settings: Settings
    ) -> Response[bytes]:
        return await self._feed(request, cal, db_session, settings, atom=True)

    async def _feed(
        self, request: Request[Any, Any, Any], cal: str, db_session: AsyncSession, settings: Settings, *, atom: bool
    ) -> Response[bytes]:
        calendar = await _calendar(db_session, cal)
        found = await queries.upcoming(db_session, limit=FEED_SIZE, calendar_id=calendar.id)
        base = _base_url(settings)
        feed = Feed(
            title=f"{calendar.name}: upcoming events",
            link=f"{base}{calendar.absolute_url}",
            description=calendar.description or f"Upcoming events in the {calendar.name} calendar",
            self_url=f"{base}{request.url.path}",
            items=[
                FeedItem(
                    title=event.title,
                    link=f"{base}{event.absolute_url}",
                    description=f"<p>{_when_text(when)}</p>{event.description_rendered}",
                    published=event.created,
                    guid=f"{base}{event.absolute_url}",
                )
                for event, when in found
            ],
        )
        body, media_type = feed.render(atom=atom)
        return Response(body, media_type=media_type)


def _when_text(when: Occurrence) -> str:
    if when.all_day:
        if when.single_day:
            return f"{when.start:%d %B %Y}"
        return f"{when.start:%d %B} to {when.end:%d %B %Y}"
    return f"{when.start:%d %B %Y %H:%M} UTC"


def _ics_response(body: bytes, filename: str) -> Response[bytes]:
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
