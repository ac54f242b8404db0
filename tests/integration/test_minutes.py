"""``/psf/records/board/minutes/``: the list, a meeting's page, the RSS feed, and drafts for staff only."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete

from pydotorg.db.models import Minutes
from tests.conftest import delete_user, log_in, make_user
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("backend")


async def _minutes(app: Litestar, date: datetime.date, *, published: bool, content: str) -> int:
    async with app.state.db_config.get_session() as session:
        row = Minutes(date=date, is_published=published, content=content)
        session.add(row)
        await session.commit()
        return row.id


async def _drop(app: Litestar, *ids: int) -> None:
    async with app.state.db_config.get_session() as session:
        await session.execute(delete(Minutes).where(Minutes.id.in_(ids)))
        await session.commit()


async def test_published_minutes_list_page_and_feed(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    published = await _minutes(app, datetime.date(2031, 3, 4), published=True, content="Budget *approved*.")
    draft = await _minutes(app, datetime.date(2031, 4, 1), published=False, content="Not yet approved.")
    try:
        listing = await client.get("/psf/records/board/minutes/")
        assert listing.status_code == 200
        assert "PSF Meeting Minutes March 04, 2031" in listing.text and "April 01, 2031" not in listing.text
        page = await client.get("/psf/records/board/minutes/2031-03-04/")
        assert page.status_code == 200 and "<em>approved</em>" in page.text
        assert "April 1" not in page.text  # the year's drafts are not listed to visitors (Django listed them)
        assert page.headers["surrogate-key"] == "pydotorg-app minutes"
        assert (await client.get("/psf/records/board/minutes/2031-04-01/")).status_code == 404
        for bad in ("2031-02-30", "2031-3-4", "yesterday", "2031-03-04x"):
            assert (await client.get(f"/psf/records/board/minutes/{bad}/")).status_code == 404, bad
        feed = await client.get("/psf/records/board/minutes/feed/")
        assert feed.headers["content-type"].startswith("application/rss+xml")
        channel = ET.fromstring(feed.content).find("channel")
        assert channel is not None and channel.findtext("title") == "PSF Board Meeting Minutes Feed"
        items = channel.findall("item")
        assert len(items) <= 20
        first = next(i for i in items if i.findtext("title") == "PSF Meeting Minutes March 04, 2031")
        assert first.findtext("link") == "http://testserver.local/psf/records/board/minutes/2031-03-04/"
        assert "04 Mar 2031 00:00:00" in (first.findtext("pubDate") or "")
        assert all("April 01, 2031" not in (i.findtext("title") or "") for i in items)
    finally:
        await _drop(app, published, draft)


async def test_staff_see_drafts_uncached(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    draft = await _minutes(app, datetime.date(2032, 5, 6), published=False, content="Draft text.")
    name = unique("minutes-staff")
    await make_user(app, name, is_staff=True)
    try:
        await log_in(client, name)
        listing = await client.get("/psf/records/board/minutes/")
        assert "May 06, 2032" in listing.text and "(draft)" in listing.text
        assert listing.headers["cache-control"] == "private, no-cache"
        page = await client.get("/psf/records/board/minutes/2032-05-06/")
        assert page.status_code == 200 and "only staff see them" in page.text
    finally:
        await delete_user(app, name)
        await _drop(app, draft)
