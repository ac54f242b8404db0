"""Precomputed page parts (web/fragments.py) in the running app: kept until a change is announced, public only."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from pydotorg.app import create_app
from pydotorg.db.models import Page, Release, Story
from pydotorg.settings import Settings
from tests.conftest import delete_user, log_in, make_user
from tests.integration import test_minutes
from tests.integration.test_successstories import _drop, _story

pytestmark = pytest.mark.usefixtures("backend")
PAGES = ["/downloads/", "/downloads/release/python-3150/", "/downloads/feed.rss"]


@pytest.fixture
async def parts_app(seeded_settings: Settings) -> AsyncIterator[Litestar]:
    app = create_app(seeded_settings.model_copy(update={"fragment_cache_seconds": 300}))
    yield app
    await app.state.db_config.get_engine().dispose()


async def _rename(app: Litestar, name: str, *, announced: bool) -> None:
    async with app.state.db_config.get_session() as session:
        if announced:  # an edit as the admin and the APIs make it: the change is announced after the commit
            release = (await session.execute(select(Release).where(Release.slug == "python-3150"))).scalar_one()
            release.name = name
        else:  # a bulk UPDATE announces nothing
            await session.execute(update(Release).where(Release.slug == "python-3150").values(name=name))
        await session.commit()


async def test_parts_are_kept_until_a_change_is_announced(parts_app: Litestar) -> None:
    async with AsyncTestClient(app=parts_app, base_url="http://testserver.local") as client:
        await parts_app.state.site_content.invalidate()
        for path in PAGES:
            assert "Python 3.15.0" in (await client.get(path)).text
        try:
            await _rename(parts_app, "Python 3.15.0 (quietly)", announced=False)
            for path in PAGES:  # built before the change, and nothing said it changed
                assert "(quietly)" not in (await client.get(path)).text, path
            await _rename(parts_app, "Python 3.15.0 (announced)", announced=True)
            for path in PAGES:
                assert "Python 3.15.0 (announced)" in (await client.get(path)).text, path
        finally:
            await _rename(parts_app, "Python 3.15.0", announced=True)


async def test_a_staff_view_of_a_draft_is_never_kept_for_the_public(parts_app: Litestar) -> None:
    async with AsyncTestClient(app=parts_app, base_url="http://testserver.local") as client:
        assert (await client.get("/downloads/release/python-3151/")).status_code == 404
        await make_user(parts_app, "parts-staff", is_staff=True)
        try:
            await log_in(client, "parts-staff")
            assert "is a draft" in (await client.get("/downloads/release/python-3151/")).text
            client.cookies.clear()
            assert (await client.get("/downloads/release/python-3151/")).status_code == 404
        finally:
            client.cookies.clear()
            await delete_user(parts_app, "parts-staff")


KEPT_PAGES = [
    "/",
    "/downloads/",
    "/getit/",
    "/downloads/release/python-3150/",
    "/downloads/feed.rss",
    "/downloads/feed.atom",
    "/events/",
    "/events/python-events/",
    "/jobs/",
    "/jobs/?page=1",
    "/jobs/location/telecommute/",
    "/jobs/feed/rss/",
    "/community/",
    "/community/?page=1",
    "/success-stories/",
    "/success-stories/category/arts/",
    "/success-stories/forecasting-river-levels-with-python-demo/",
    "/about/apps/",
    "/blogs/",
    "/psf/records/board/minutes/",
]


async def test_a_page_from_kept_parts_is_the_page_built_afresh(parts_app: Litestar, app: Litestar) -> None:
    async with (
        AsyncTestClient(app=parts_app, base_url="http://testserver.local") as kept,
        AsyncTestClient(app=app, base_url="http://testserver.local") as fresh,  # the suite's: parts off
    ):
        for path in KEPT_PAGES:
            first, second = await kept.get(path), await kept.get(path)
            built = await fresh.get(path)
            assert first.status_code == second.status_code == built.status_code == 200, path
            if path != "/":  # the home page picks its featured story at random
                assert first.text == second.text == built.text, path


async def _retitle(app: Litestar, path: str, title: str, *, announced: bool) -> None:
    async with app.state.db_config.get_session() as session:
        if announced:
            page = (await session.execute(select(Page).where(Page.path == path))).scalar_one()
            page.title = title
        else:
            await session.execute(update(Page).where(Page.path == path).values(title=title))
        await session.commit()


async def test_cms_pages_are_kept_until_edited_and_drafts_stay_with_staff(parts_app: Litestar) -> None:
    async with parts_app.state.db_config.get_session() as session:
        session.add_all(
            [
                Page(path="kept/test", title="Kept page one", content="Body"),
                Page(path="kept/draft", title="Kept draft", content="Secret", is_published=False),
            ]
        )
        await session.commit()
    await make_user(parts_app, "cms-parts-staff", is_staff=True)
    async with AsyncTestClient(app=parts_app, base_url="http://testserver.local") as client:
        try:
            assert "Kept page one" in (await client.get("/kept/test/")).text
            await _retitle(parts_app, "kept/test", "Kept page quietly", announced=False)
            assert "Kept page one" in (await client.get("/kept/test/")).text  # kept: nothing announced a change
            await _retitle(parts_app, "kept/test", "Kept page two", announced=True)
            assert "Kept page two" in (await client.get("/kept/test/")).text
            assert (
                await client.get("/kept/test", follow_redirects=False)
            ).status_code == 301  # the slash redirect, from the kept part

            assert (await client.get("/kept/draft/")).status_code == 404
            await log_in(client, "cms-parts-staff")
            staff_view = await client.get("/kept/draft/")
            assert staff_view.status_code == 200 and "only staff can see it" in staff_view.text
            client.cookies.clear()
            assert (await client.get("/kept/draft/")).status_code == 404
        finally:
            client.cookies.clear()
            await delete_user(parts_app, "cms-parts-staff")
            async with parts_app.state.db_config.get_session() as session:
                for page in (await session.execute(select(Page).where(Page.path.like("kept/%")))).scalars():
                    await session.delete(page)
                await session.commit()


async def test_a_story_draft_is_seen_by_staff_and_never_kept(parts_app: Litestar) -> None:
    draft: Story = await _story(parts_app, published=False)
    await make_user(parts_app, "story-parts-staff", is_staff=True)
    async with AsyncTestClient(app=parts_app, base_url="http://testserver.local") as client:
        try:
            assert (await client.get(f"/success-stories/{draft.slug}/")).status_code == 404
            await log_in(client, "story-parts-staff")
            staff_view = await client.get(f"/success-stories/{draft.slug}/")
            assert staff_view.status_code == 200 and "only staff see it" in staff_view.text
            assert staff_view.headers["cache-control"].startswith("private")
            client.cookies.clear()
            assert (await client.get(f"/success-stories/{draft.slug}/")).status_code == 404
        finally:
            client.cookies.clear()
            await delete_user(parts_app, "story-parts-staff")
            await _drop(parts_app, draft.id)


async def test_the_minutes_list_keeps_drafts_with_staff(parts_app: Litestar) -> None:
    draft = await test_minutes._minutes(parts_app, datetime.date(2032, 5, 6), published=False, content="Draft.")
    await make_user(parts_app, "minutes-parts-staff", is_staff=True)
    async with AsyncTestClient(app=parts_app, base_url="http://testserver.local") as client:
        try:
            assert "May 06, 2032" not in (await client.get("/psf/records/board/minutes/")).text
            await log_in(client, "minutes-parts-staff")
            assert "May 06, 2032</a> <em>(draft)</em>" in (await client.get("/psf/records/board/minutes/")).text
            client.cookies.clear()
            assert "May 06, 2032" not in (await client.get("/psf/records/board/minutes/")).text
        finally:
            client.cookies.clear()
            await delete_user(parts_app, "minutes-parts-staff")
            await test_minutes._drop(parts_app, draft)
