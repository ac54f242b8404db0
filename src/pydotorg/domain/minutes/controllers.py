"""``/psf/records/board/minutes/``: Django's URLs and names. Staff see drafts (uncached); the feed lists the 20
newest published minutes."""

from __future__ import annotations

import datetime
import re
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Minutes
from pydotorg.lib.feeds import Feed, FeedItem
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE, cache_policy
from pydotorg.web.errors import viewer_is_staff
from pydotorg.web.fragments import fragment

CACHED = cache_policy("minutes")
FEED_SIZE = 20
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
NO_SLASH: dict[str, Any] = {"append_slash": False}


def _visible(staff: bool) -> Select[tuple[Minutes]]:
    query = select(Minutes).order_by(Minutes.date.desc(), Minutes.id.desc())
    return query if staff else query.where(Minutes.is_published.is_(True))


def _page(template: str, *, staff: bool, **context: Any) -> Template:
    return Template(
        template_name=f"minutes/{template}.html",
        context={"psf_page": True, **context},
        media_type=MediaType.HTML,
        headers=PRIVATE if staff else None,
    )


class MinutesController(Controller):
    path = "/psf/records/board/minutes"
    include_in_schema = False

    @get("/", name="minutes_list", **CACHED)
    async def index(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        staff = viewer_is_staff(request)

        async def build() -> list[dict[str, Any]]:
            rows = (await db_session.execute(_visible(staff))).scalars().all()
            return [{"absolute_url": m.absolute_url, "label": str(m), "is_published": m.is_published} for m in rows]

        # Staff see drafts: their list is built for them and never kept; everyone else shares one kept list.
        rows = await fragment(request, "minutes:list", build, keep=not staff)
        return _page("minutes_list", staff=staff, minutes_list=rows)

    @get("/feed/", name="minutes_feed", **CACHED)
    async def feed(self, db_session: AsyncSession, settings: Settings) -> Response[bytes]:
        rows = (await db_session.execute(_visible(staff=False).limit(FEED_SIZE))).scalars().all()
        base = settings.site_url.rstrip("/")
        feed = Feed(
            title="PSF Board Meeting Minutes Feed",
            link=f"{base}/psf/records/board/minutes/",
            description="PSF Board Meeting Minutes",
            self_url=f"{base}/psf/records/board/minutes/feed/",
            items=[
                FeedItem(
                    title=str(minutes),
                    link=f"{base}{minutes.absolute_url}",
                    description=minutes.content_rendered,
                    published=datetime.datetime.combine(minutes.date, datetime.time(), tzinfo=datetime.UTC),
                    guid=f"{base}{minutes.absolute_url}",
                )
                for minutes in rows
            ],
        )
        body, media_type = feed.render()
        return Response(body, media_type=media_type)

    @get("/{day:str}/", name="minutes_detail", **CACHED)
    async def detail(self, request: Request[Any, Any, Any], day: str, db_session: AsyncSession) -> Template:
        date = _parse_day(day)
        staff = viewer_is_staff(request)
        found = None
        if date is not None:
            found = (await db_session.execute(_visible(staff).where(Minutes.date == date).limit(1))).scalars().first()
        if date is None or found is None:
            raise NotFoundException("No minutes for that date.")
        # Django listed the year's drafts to everyone here; only staff see them now.
        year = _visible(staff).where(
            Minutes.date >= datetime.date(date.year, 1, 1), Minutes.date < datetime.date(date.year + 1, 1, 1)
        )
        same_year = (await db_session.execute(year)).scalars().all()
        return _page("minutes_detail", staff=staff, minutes=found, same_year_minutes=same_year)


def _parse_day(day: str) -> datetime.date | None:
    match = DATE_RE.match(day)
    if match is None:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None
