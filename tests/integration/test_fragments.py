"""Precomputed page parts (web/fragments.py) in the running app: kept until a change is announced, public only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from pydotorg.app import create_app
from pydotorg.db.models import Release
from pydotorg.settings import Settings
from tests.conftest import delete_user, log_in, make_user

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
