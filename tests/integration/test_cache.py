"""The origin response cache: anonymous reads are served from it, personal requests never are, changes clear it."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from pydotorg.app import create_app
from pydotorg.db.models import OS
from pydotorg.settings import Settings

pytestmark = pytest.mark.usefixtures("backend")


async def test_anonymous_reads_are_cached_until_content_changes(seeded_settings: Settings) -> None:
    app = create_app(seeded_settings.model_copy(update={"response_cache_seconds": 300}))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        await app.state.site_content.invalidate()  # start from an empty cache
        first = await client.get("/api/v2/downloads/os/")
        page = await client.get("/downloads/operating-systems/")
        async with app.state.db_config.get_session() as session:
            await session.execute(update(OS).where(OS.slug == "ios").values(name="iPadOS and iOS"))
            await session.commit()
        try:
            assert (await client.get("/api/v2/downloads/os/")).json() == first.json()  # from the cache
            assert "iPadOS" not in (await client.get("/downloads/operating-systems/")).text
            assert (await client.get("/downloads/operating-systems/?x=1")).text != page.text  # another key
            # personal requests bypass it
            fresh = await client.get("/api/v2/downloads/os/", headers={"Authorization": "Bearer nothing"})
            assert any(o["name"] == "iPadOS and iOS" for o in fresh.json())
            cookie = await client.get("/downloads/operating-systems/", headers={"Cookie": "sessionid=abc"})
            assert "iPadOS and iOS" in cookie.text
            # a content change clears it
            await app.state.site_content.invalidate()
            assert "iPadOS and iOS" in (await client.get("/downloads/operating-systems/")).text
        finally:
            async with app.state.db_config.get_session() as session:
                await session.execute(update(OS).where(OS.slug == "ios").values(name="iOS"))
                await session.commit()
            await app.state.site_content.invalidate()
    await app.state.db_config.get_engine().dispose()


async def test_cache_off_means_always_fresh(seeded_settings: Settings) -> None:
    app = create_app(seeded_settings)  # the suite runs with response_cache_seconds=0
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        await client.get("/downloads/operating-systems/")
        async with app.state.db_config.get_session() as session:
            await session.execute(update(OS).where(OS.slug == "ios").values(name="iOS (renamed)"))
            await session.commit()
        try:
            assert "iOS (renamed)" in (await client.get("/downloads/operating-systems/")).text
        finally:
            async with app.state.db_config.get_session() as session:
                await session.execute(update(OS).where(OS.slug == "ios").values(name="iOS"))
                await session.commit()
    await app.state.db_config.get_engine().dispose()


async def test_cms_pages_are_cached_for_anonymous_readers(seeded_settings: Settings) -> None:
    from pydotorg.db.models import Page

    app = create_app(seeded_settings.model_copy(update={"response_cache_seconds": 300}))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        await app.state.site_content.invalidate()
        first = await client.get("/about/help/")
        assert first.status_code == 200
        async with app.state.db_config.get_session() as session:
            original = (await session.execute(select(Page.title).where(Page.path == "about/help"))).scalar_one()
            await session.execute(update(Page).where(Page.path == "about/help").values(title="Help, renamed"))
            await session.commit()
        try:
            cached = await client.get("/about/help/")
            assert cached.text == first.text and cached.headers["content-type"].startswith("text/html")
            assert "Help, renamed" in (await client.get("/about/help/?fresh=1")).text  # queries are not cached
            assert "Help, renamed" in (await client.get("/about/help/", headers={"Cookie": "sessionid=x"})).text
            assert (await client.get("/no-such-page/")).status_code == 404  # misses are not cached as pages
            await app.state.site_content.invalidate()
            assert "Help, renamed" in (await client.get("/about/help/")).text
        finally:
            async with app.state.db_config.get_session() as session:
                await session.execute(update(Page).where(Page.path == "about/help").values(title=original))
                await session.commit()
            await app.state.site_content.invalidate()
    await app.state.db_config.get_engine().dispose()


async def test_each_process_keeps_copies_that_a_change_anywhere_retires(seeded_settings: Settings) -> None:
    # Two processes of one embedded instance (two Granian workers): the same settings, the same var folder.
    settings = seeded_settings.model_copy(update={"response_cache_seconds": 300})
    a, b = create_app(settings), create_app(settings)
    path = "/downloads/operating-systems/"
    async with (
        AsyncTestClient(app=a, base_url="http://testserver.local") as on_a,
        AsyncTestClient(app=b, base_url="http://testserver.local") as on_b,
    ):
        await a.state.site_content.invalidate()
        first = await on_b.get(path, headers={"Accept-Encoding": "gzip"})
        assert first.headers["content-encoding"] == "gzip" and "Accept-Encoding" in first.headers["vary"]
        plain = await on_b.get(path, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.text == first.text
        assert plain.headers["x-frame-options"] == "SAMEORIGIN"  # a copy still gets the security headers
        assert plain.headers["x-request-id"] != first.headers["x-request-id"]  # and its own request id
        head = await on_b.head(path)
        assert head.status_code == 200 and head.content == b""
        async with a.state.db_config.get_session() as session:  # a bulk UPDATE: no change is announced yet
            await session.execute(update(OS).where(OS.slug == "ios").values(name="iOS (on A)"))
            await session.commit()
        try:
            assert "iOS (on A)" not in (await on_b.get(path)).text  # B's own copy
            await a.state.site_content.invalidate()  # a change announced in process A
            assert "iOS (on A)" in (await on_b.get(path)).text
            assert "iOS (on A)" in (await on_a.get(path)).text
        finally:
            async with a.state.db_config.get_session() as session:
                await session.execute(update(OS).where(OS.slug == "ios").values(name="iOS"))
                await session.commit()
            await a.state.site_content.invalidate()
    for app in (a, b):
        await app.state.db_config.get_engine().dispose()
