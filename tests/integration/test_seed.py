"""Seeding: idempotent, and python.org's Django fixtures load through our markup pipeline."""

from __future__ import annotations

import asyncio
import json

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from pydotorg.db.models import Box, Flag, MenuItem, Page, Release, ReleaseFile, User
from pydotorg.fixtures.seed import seed
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.settings import Settings
from tests.conftest import DJANGO_FIXTURES, make_settings, migrate

pytestmark = pytest.mark.usefixtures("backend")


async def test_seed_twice_changes_nothing(seeded_settings: Settings) -> None:
    config = build_sqlalchemy_config(seeded_settings)
    report = await seed(config.get_session)
    assert not report.changed
    # the three download boxes are generated from the releases and no longer compared with the fixture
    assert report.unchanged["boxes"] == 60
    assert report.unchanged["menu items"] == 115
    assert report.unchanged["pages"] >= 14
    async with config.get_session() as session:
        assert await session.scalar(select(func.count()).select_from(Box)) == 63
        assert await session.scalar(select(func.count()).select_from(MenuItem)) == 115
        assert await session.scalar(select(func.count()).select_from(Flag)) == 2
        assert await session.scalar(select(func.count()).select_from(Release)) == 211
        assert await session.scalar(select(func.count()).select_from(ReleaseFile)) == 1063
        supernav = await session.scalar(select(Box.content).where(Box.label == "supernav-python-downloads"))
        assert supernav is not None and "Python 3.15.0" in supernav
    await config.get_engine().dispose()


@pytest.mark.skipif(not DJANGO_FIXTURES.is_dir(), reason="shared Django fixtures are not available")
async def test_project_boxes_use_the_django_labels() -> None:
    django_labels = {o["fields"]["label"] for o in json.loads((DJANGO_FIXTURES / "boxes.json").read_text())}
    from pydotorg.fixtures.seed import project_boxes

    assert {b.label for b in project_boxes()} == django_labels


@pytest.mark.skipif(not DJANGO_FIXTURES.is_dir(), reason="shared Django fixtures are not available")
async def test_django_fixtures_load_and_every_box_renders(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if backend == "postgres":
        pytest.skip("the Django fixture load runs on a fresh SQLite database; PostgreSQL is covered by the seed tests")
    settings = make_settings(tmp_path_factory.mktemp("django"), backend)
    await asyncio.to_thread(migrate, settings)
    config = build_sqlalchemy_config(settings)
    report = await seed(config.get_session, django_fixtures=DJANGO_FIXTURES)
    assert report.created["boxes"] + report.unchanged["boxes"] >= 63
    assert report.created["users"] == 2
    raw = {o["fields"]["label"]: o["fields"] for o in json.loads((DJANGO_FIXTURES / "boxes.json").read_text())}
    async with config.get_session() as session:
        boxes = {b.label: b for b in (await session.scalars(select(Box))).all()}
        assert set(raw) <= set(boxes)
        for label, fields in raw.items():
            box = boxes[label]
            assert box.content == fields["content"]
            assert box.content_markup_type == fields["content_markup_type"]
            assert box.content_rendered.strip(), label
            assert "<script" not in box.content_rendered.lower()
            assert "style=" not in box.content_rendered
        # the one markdown box is rendered as markdown
        assert "<p>" in boxes["feedbacks-complete"].content_rendered
        admin = await session.scalar(select(User).where(User.username == "admin"))
        assert admin is not None and admin.is_superuser and admin.password.startswith("pbkdf2_sha256$")
        # the Django fixture's menu resolves URL names to our paths
        jobs = await session.scalar(select(MenuItem).where(MenuItem.alias == "jobs-meta"))
        assert jobs is not None and jobs.url == "/jobs/"
    app = create_test_app(settings)
    async with AsyncTestClient(app=app) as client:
        fragment = await client.get("/box/supernav-python-downloads/")
        assert fragment.status_code == 200
        assert "download-os-windows" in fragment.text
        assert "display: none" not in fragment.text
    await config.get_engine().dispose()
    await app.state.db_config.get_engine().dispose()


def create_test_app(settings: Settings) -> Litestar:
    from pydotorg.app import create_app

    return create_app(settings)


async def test_seeded_pages_render(client: AsyncTestClient[Litestar], db_session: object) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    assert isinstance(db_session, AsyncSession)
    paths = (await db_session.scalars(select(Page.path))).all()
    assert {"about/gettingstarted", "psf", "community", "doc"} <= set(paths)
    for path in paths:
        response = await client.get(f"/{path}/")
        assert response.status_code == 200, path
        assert "system-message" not in response.text, path


async def test_seeding_again_keeps_staff_edits(seeded_settings: Settings) -> None:
    """`make run` seeds on every start: a page, box, menu item or flag that staff edited must stay as edited."""
    config = build_sqlalchemy_config(seeded_settings)
    async with config.get_session() as session:
        page = await session.scalar(select(Page).where(Page.path == "about/apps"))
        box = await session.scalar(select(Box).where(Box.label == "homepage-introduction"))
        item = await session.scalar(select(MenuItem).order_by(MenuItem.id).limit(1))
        flag = await session.scalar(select(Flag).order_by(Flag.name).limit(1))
        assert page is not None and box is not None and item is not None and flag is not None
        before = (page.title, page.content, box.content, item.title, flag.everyone)
        page.title, page.content = "Edited by staff", "Our own words about applications."
        box.content = "<p>An edited introduction.</p>"
        item.title = "Renamed by staff"
        flag.everyone = not flag.everyone
        edited = (page.title, page.content, box.content, item.title, flag.everyone)
        ids = (page.id, box.id, item.id, flag.id)
        await session.commit()
    try:
        report = await seed(config.get_session)
        assert not report.changed
        assert "updated" not in "\n".join(report.lines())
        async with config.get_session() as session:
            page = await session.get(Page, ids[0])
            box = await session.get(Box, ids[1])
            item = await session.get(MenuItem, ids[2])
            flag = await session.get(Flag, ids[3])
            assert page is not None and box is not None and item is not None and flag is not None
            assert (page.title, page.content, box.content, item.title, flag.everyone) == edited
    finally:
        async with config.get_session() as session:
            page, box, item, flag = (
                await session.get(Page, ids[0]),
                await session.get(Box, ids[1]),
                await session.get(MenuItem, ids[2]),
                await session.get(Flag, ids[3]),
            )
            assert page is not None and box is not None and item is not None and flag is not None
            page.title, page.content, box.content, item.title, flag.everyone = before
            await session.commit()
        await config.get_engine().dispose()


async def test_the_menu_links_our_own_event_form(seeded_settings: Settings) -> None:
    config = build_sqlalchemy_config(seeded_settings)
    async with config.get_session() as session:
        item = await session.scalar(select(MenuItem).where(MenuItem.title == "Submit an Event"))
        assert item is not None and item.url == "/events/submit/"
    await config.get_engine().dispose()
