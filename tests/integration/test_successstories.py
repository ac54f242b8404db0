"""``/success-stories/``: the lists, a story, a category, drafts for staff, the submission form and its mail, and
publishing a featured story through the admin (the supernav box is regenerated)."""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import delete, select

from pydotorg.db.models import Box, Story, StoryCategory
from pydotorg.settings import Settings
from tests.conftest import HONEYPOT, csrf_token, delete_user, log_in, make_user, post_form, wait_for_mail
from tests.factories import unique
from tests.integration.test_changes import FormFields, admin_edit

pytestmark = pytest.mark.usefixtures("backend")


async def _category(app: Litestar) -> StoryCategory:
    async with app.state.db_config.get_session() as session:
        return (await session.execute(select(StoryCategory).order_by(StoryCategory.name))).scalars().first()  # type: ignore[return-value]


async def _story(app: Litestar, *, published: bool, **fields: object) -> Story:
    category = await _category(app)
    name = unique("A story")
    async with app.state.db_config.get_session() as session:
        story = Story(
            name=name,
            slug=name.lower().replace(" ", "-"),
            category_id=category.id,
            company_name="Example Corp",
            company_url="https://example.org/",
            author="An Author",
            author_email="author@example.org",
            pull_quote=f"Quote of {name}",
            content="Some *content*.",
            is_published=published,
            **fields,
        )
        session.add(story)
        await session.commit()
        return story


async def _drop(app: Litestar, *story_ids: int) -> None:
    async with app.state.db_config.get_session() as session:
        await session.execute(delete(Story).where(Story.id.in_(story_ids)))
        await session.commit()


async def test_lists_a_story_and_its_category(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    story = await _story(app, published=True)
    draft = await _story(app, published=False)
    category = await _category(app)
    try:
        index = await client.get("/success-stories/")
        assert index.status_code == 200 and story.name in index.text and draft.name not in index.text
        assert index.headers["surrogate-key"] == "pydotorg-app successstories"
        page = await client.get(f"/success-stories/{story.slug}/")
        assert page.status_code == 200 and "<em>content</em>" in page.text and story.pull_quote in page.text
        listed = await client.get(f"/success-stories/category/{category.slug}/")
        assert listed.status_code == 200 and story.name in listed.text and draft.name not in listed.text
        assert (await client.get(f"/success-stories/{draft.slug}/")).status_code == 404
        assert (await client.get("/success-stories/no-such-story/")).status_code == 404
        assert (await client.get("/success-stories/category/no-such-category/")).status_code == 404
    finally:
        await _drop(app, story.id, draft.id)


async def test_staff_see_drafts_uncached(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    draft = await _story(app, published=False)
    name = unique("story-staff")
    await make_user(app, name, is_staff=True)
    try:
        await log_in(client, name)
        page = await client.get(f"/success-stories/{draft.slug}/")
        assert page.status_code == 200 and "not published" in page.text
        assert page.headers["cache-control"] == "private, no-cache"
    finally:
        await delete_user(app, name)
        await _drop(app, draft.id)


async def test_a_signed_in_user_submits_a_story_for_review(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    assert (await client.get("/success-stories/create/", follow_redirects=False)).status_code in {302, 303}
    name = unique("storyteller")
    await make_user(app, name)
    category = await _category(app)
    story_name = unique("How we ship")
    fields = {
        "name": story_name,
        "company_name": "<b>Shipping</b> Co",
        "company_url": "https://shipping.example.org/",
        "category": str(category.id),
        "author": "S. Teller",
        "author_email": f"{name}-author@example.org",
        "pull_quote": "Python <script>alert(1)</script> ships it.",
        "content": "We **ship** with Python.",
        **HONEYPOT,
    }
    try:
        await log_in(client, name)
        bot = await client.post(
            "/success-stories/create/",
            data={
                **fields,
                "email_body_text": "spam",
                "_csrf_token": await csrf_token(client, "/success-stories/create/"),
            },
        )
        assert bot.status_code == 400
        missing = await post_form(
            client, "/success-stories/create/", {**fields, "company_url": "ftp://x", "author": ""}
        )
        assert missing.status_code == 400 and "starting with http" in missing.text
        created = await post_form(client, "/success-stories/create/", fields)
        assert created.status_code == 302 and created.headers["location"] == "/success-stories/create/"
        assert "will be reviewed" in (await client.get("/success-stories/create/")).text
        again = await post_form(client, "/success-stories/create/", fields)
        assert again.status_code == 400 and "unique name" in again.text
        async with app.state.db_config.get_session() as session:
            story = (await session.execute(select(Story).where(Story.name == story_name))).scalar_one()
        assert not story.is_published and not story.featured and story.submitted_by_id is not None
        assert (await client.get(f"/success-stories/{story.slug}/")).status_code == 404  # not published yet
        settings = app.state.settings
        mails = await wait_for_mail(seeded_settings, settings.success_stories_to_email)
        mail = next(m for m in mails if story_name in str(m["Subject"]))
        assert mail["Reply-To"] == f"{name}-author@example.org"
        assert f"/admin/successstories/story/{story.id}/change/" in mail.get_content()
        await _drop(app, story.id)
    finally:
        await delete_user(app, name)


async def test_publishing_a_featured_story_in_the_admin_regenerates_the_supernav_box(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    story = await _story(app, published=False)
    name = unique("story-admin")
    await make_user(app, name, is_staff=True, is_superuser=True)
    try:
        await log_in(client, name)
        await admin_edit(client, f"/admin/successstories/story/{story.id}/change/", is_published="y", featured="y")
        # the job runs after the admin's commit, on the server's loop: wait (bounded) for the new box
        deadline = time.monotonic() + 10
        while True:
            async with app.state.db_config.get_session() as session:
                box = (
                    await session.execute(select(Box).where(Box.label == "supernav-python-success-stories"))
                ).scalar_one()
                quotes = (
                    (
                        await session.execute(
                            select(Story.pull_quote).where(Story.featured.is_(True), Story.is_published.is_(True))
                        )
                    )
                    .scalars()
                    .all()
                )
            if any(quote in box.content for quote in quotes) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        assert story.pull_quote in quotes
        assert any(quote in box.content for quote in quotes), box.content
        assert (await client.get(f"/success-stories/{story.slug}/")).status_code == 200
    finally:
        await delete_user(app, name)
        await _drop(app, story.id)


def _image(size: tuple[int, int], fmt: str = "JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, fmt)
    return out.getvalue()


async def test_a_story_image_is_decoded_stored_thumbnailed_and_served_inert(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    story = await _story(app, published=True)
    name = unique("story-image")
    await make_user(app, name, is_staff=True, is_superuser=True)
    url = f"/admin/successstories/story/{story.id}/change/"
    try:
        await log_in(client, name)

        async def upload(filename: str, content: bytes) -> object:
            parser = FormFields()
            parser.feed((await client.get(url)).text)
            return await client.post(
                url,
                data=parser.values,  # type: ignore[arg-type]
                files={"image": (filename, content, "application/octet-stream")},
                follow_redirects=False,
            )

        refused = {
            "page.jpg": b"<html><script>alert(1)</script></html>",  # not an image at all
            "photo.jpg": _image((20, 20), "PNG"),  # a PNG named .jpg
            "logo.svg": b"<svg onload='alert(1)'/>",  # not an allowed type for stories
            "cut.jpg": _image((400, 400))[:300],  # truncated
        }
        for filename, content in refused.items():
            response = await upload(filename, content)
            assert response.status_code == 400, filename  # type: ignore[attr-defined]
            assert 'class="errorlist"' in response.text  # type: ignore[attr-defined]
        async with app.state.db_config.get_session() as session:
            assert (await session.get_one(Story, story.id)).image in (None, "")  # nothing half-saved

        ok = await upload("team photo.jpg", _image((1600, 900)))
        assert ok.status_code == 302, ok.text  # type: ignore[attr-defined]
        async with app.state.db_config.get_session() as session:
            stored = (await session.get_one(Story, story.id)).image
        assert stored.startswith("successstories/") and stored.endswith(".jpg") and "team" not in stored
        thumb = stored.removesuffix(".jpg") + ".thumb.jpg"
        with Image.open(seeded_settings.media_path / thumb) as small:
            assert small.size == (480, 270)
        page = (await client.get(f"/success-stories/{story.slug}/")).text
        assert f'src="/media/{thumb}"' in page and f'href="/media/{stored}"' in page
        served = await client.get(f"/media/{thumb}")
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        assert "immutable" in served.headers["cache-control"]
        assert "sandbox" in served.headers["content-security-policy"]
        assert served.headers["x-content-type-options"] == "nosniff"
        for path in (stored, thumb):
            (seeded_settings.media_path / path).unlink()
    finally:
        await delete_user(app, name)
        await _drop(app, story.id)
