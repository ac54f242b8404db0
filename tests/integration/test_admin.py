"""The staff admin over HTTP: access, permissions, list/search/filter/sort/paginate, add/change/delete with
validation, the change log, uploads, the membership CSV export — against SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import delete, insert, select

from pydotorg.db.models import AdminLogEntry, Box, Group, Membership, Page, PageImage, Permission, User
from pydotorg.db.models.users import user_groups
from pydotorg.domain.users.cli import ensure_auth_data
from pydotorg.settings import Settings
from tests.conftest import csrf_token, delete_user, log_in, make_user

pytestmark = pytest.mark.usefixtures("backend")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (24, 24), (55, 118, 171, 255)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


@pytest.fixture
async def superuser(app: Litestar, client: AsyncTestClient[Litestar]) -> object:
    await make_user(app, "chief", is_superuser=True)
    await log_in(client, "chief")
    yield "chief"
    client.cookies.clear()
    await delete_user(app, "chief")


async def _page_form(client: AsyncTestClient[Litestar], url: str, **changes: str) -> dict[str, str]:
    data = {
        "title": "Admin test page",
        "path": "about/admin-test/",
        "keywords": "",
        "description": "",
        "content": "Hello from the *admin*.",
        "content_markup_type": "restructuredtext",
        "is_published": "y",
        "content_type": "text/html",
        "template_name": "",
        "_csrf_token": await csrf_token(client, url),
    }
    data.update(changes)
    return data


async def test_admin_needs_staff(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    response = await client.get("/admin/", follow_redirects=False)
    # Django's AdminSite.admin_view: redirect_to_login(full path, reverse("admin:login")).
    assert (response.status_code, response.headers["location"]) == (302, "/admin/login/?next=/admin/")
    await make_user(app, "civilian")
    try:
        await log_in(client, "civilian")
        assert (await client.get("/admin/")).status_code == 403
        assert (await client.get("/admin/pages/page/")).status_code == 403
        response = await client.post("/admin/pages/page/add/", data={"title": "x"})
        assert response.status_code == 403
    finally:
        client.cookies.clear()
        await delete_user(app, "civilian")


async def test_staff_permissions_come_from_groups(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    user_id = await make_user(app, "editor", is_staff=True)
    try:
        await log_in(client, "editor")
        index = await client.get("/admin/")
        assert index.status_code == 200 and "/admin/pages/page/" not in index.text
        assert (await client.get("/admin/pages/page/")).status_code == 403
        async with app.state.db_config.get_session() as session:
            await ensure_auth_data(session)
            group = Group(name="Page editors")
            group.permissions = list(
                (
                    await session.execute(
                        select(Permission).where(
                            Permission.app_label == "pages", Permission.codename.in_(["view_page", "change_page"])
                        )
                    )
                ).scalars()
            )
            session.add(group)
            await session.flush()
            await session.execute(insert(user_groups).values(user_id=user_id, group_id=group.id))
            await session.commit()
        index = await client.get("/admin/")
        assert "/admin/pages/page/" in index.text and "/admin/users/user/" not in index.text
        listing = await client.get("/admin/pages/page/")
        assert listing.status_code == 200 and "about/apps" in listing.text
        assert "Add page" not in listing.text  # no add permission
        assert (await client.get("/admin/pages/page/add/")).status_code == 403
        assert (await client.get("/admin/users/user/")).status_code == 403
    finally:
        client.cookies.clear()
        await delete_user(app, "editor")
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Group).where(Group.name == "Page editors"))
            await session.commit()


async def test_staff_edit_a_page_and_see_it_live(
    client: AsyncTestClient[Litestar], app: Litestar, superuser: str
) -> None:
    try:
        data = await _page_form(client, "/admin/pages/page/add/")
        response = await client.post("/admin/pages/page/add/", data=data, follow_redirects=False)
        assert response.status_code == 302, response.text
        live = await client.get("/about/admin-test/")
        assert live.status_code == 200 and "<em>admin</em>" in live.text
        async with app.state.db_config.get_session() as session:
            page = (await session.execute(select(Page).where(Page.path == "about/admin-test/"))).scalar_one()
            chief = (await session.execute(select(User).where(User.username == superuser))).scalar_one()
            assert page.creator_id == chief.id and page.last_modified_by_id == chief.id
            page_id = page.id

        url = f"/admin/pages/page/{page_id}/change/"
        form = await client.get(url)
        assert form.status_code == 200 and "Hello from the *admin*." in form.text
        data = await _page_form(client, url, content="Changed **live**.")
        response = await client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 302
        assert "<strong>live</strong>" in (await client.get("/about/admin-test/")).text

        history = await client.get(f"/admin/pages/page/{page_id}/history/")
        assert history.status_code == 200
        assert "Added." in history.text and "Changed content." in history.text and superuser in history.text

        # the page shows staff an edit link to this admin page
        assert f"/admin/pages/page/{page_id}/change/" in (await client.get("/about/admin-test/")).text

        # delete asks first, then deletes and logs
        assert "Are you sure" in (await client.get(f"/admin/pages/page/{page_id}/delete/")).text
        token = await csrf_token(client, f"/admin/pages/page/{page_id}/delete/")
        response = await client.post(
            f"/admin/pages/page/{page_id}/delete/", data={"_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 302
        assert (await client.get("/about/admin-test/")).status_code == 404
        async with app.state.db_config.get_session() as session:
            flags = (
                await session.execute(
                    select(AdminLogEntry.action_flag).where(
                        AdminLogEntry.content_type == "pages.page", AdminLogEntry.object_id == str(page_id)
                    )
                )
            ).scalars()
            assert sorted(flags) == [1, 2, 3]
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Page).where(Page.path == "about/admin-test/"))
            await session.commit()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"path": "/leading-slash/"}, "without the leading"),
        ({"path": "about/apps"}, "Page with this path already exists."),
        ({"title": "x" * 501}, "Field cannot be longer than 500 characters."),
        ({"content_markup_type": "perl"}, "Not a valid choice"),
    ],
)
async def test_page_form_errors_write_nothing(
    client: AsyncTestClient[Litestar], app: Litestar, superuser: str, changes: dict[str, str], message: str
) -> None:
    async with app.state.db_config.get_session() as session:
        before = len((await session.execute(select(Page.id))).all())
    data = await _page_form(client, "/admin/pages/page/add/", **changes)
    response = await client.post("/admin/pages/page/add/", data=data, follow_redirects=False)
    assert response.status_code == 400
    assert message in response.text.replace("&#39;", "'")
    async with app.state.db_config.get_session() as session:
        assert len((await session.execute(select(Page.id))).all()) == before


async def test_changelist_search_filter_sort_and_paginate(
    client: AsyncTestClient[Litestar], app: Litestar, superuser: str
) -> None:
    listing = await client.get("/admin/pages/page/?q=psf")
    assert listing.status_code == 200
    rows = re.findall(r'<th scope="row"><a href="/admin/pages/page/\d+/change/">([^<]+)</a>', listing.text)
    # the search looks in title, path and keywords, case-insensitively: exactly those pages are listed
    async with app.state.db_config.get_session() as session:
        expected = {
            page.title
            for page in (await session.execute(select(Page))).scalars()
            if any("psf" in (value or "").lower() for value in (page.title, page.path, page.keywords))
        }
    assert expected and set(rows) == expected
    everything = await client.get("/admin/pages/page/")
    async with app.state.db_config.get_session() as session:
        total = len((await session.execute(select(Page.id))).all())
    assert f"{total} pages" in everything.text
    assert "1 page" in (await client.get("/admin/pages/page/?q=gettingstarted")).text
    assert "0 pages" in (await client.get("/admin/pages/page/?is_published=0")).text
    titles = re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a>', (await client.get("/admin/pages/page/?o=-title")).text
    )
    assert titles == sorted(titles, reverse=True)
    menu = await client.get("/admin/navigation/menuitem/?p=2")
    assert "Page 2 of 3" in menu.text
    assert "Page 3 of 3" in (await client.get("/admin/navigation/menuitem/?p=99")).text
    # junk parameters are ignored, never a 500
    assert (await client.get("/admin/pages/page/?o=password&p=x&is_published=maybe")).status_code == 200
    assert (await client.get("/admin/nothing/here/")).status_code == 404
    assert (await client.get("/admin/pages/page/999999/change/")).status_code == 404


async def test_box_edit_refreshes_the_site(client: AsyncTestClient[Litestar], app: Litestar, superuser: str) -> None:
    async with app.state.db_config.get_session() as session:
        box = (await session.execute(select(Box).where(Box.label == "homepage-jobs"))).scalar_one()
        original = (box.content, box.content_markup_type)
        box_id = box.id
    try:
        url = f"/admin/boxes/box/{box_id}/change/"
        data = {
            "label": "homepage-jobs",
            "content": "Hiring **now**",
            "content_markup_type": "markdown",
            "_csrf_token": await csrf_token(client, url),
        }
        assert (await client.post(url, data=data, follow_redirects=False)).status_code == 302
        assert "Hiring <strong>now</strong>" in (await client.get("/")).text
    finally:
        async with app.state.db_config.get_session() as session:
            box = await session.get_one(Box, box_id)
            box.content, box.content_markup_type = original
            await session.commit()
        await app.state.site_content.invalidate()


async def test_page_image_upload(
    client: AsyncTestClient[Litestar], app: Litestar, superuser: str, seeded_settings: Settings
) -> None:
    async with app.state.db_config.get_session() as session:
        page_id = (await session.execute(select(Page.id).where(Page.path == "about/apps"))).scalar_one()
    url = "/admin/pages/image/add/"
    bad = await client.post(
        url,
        data={"page_id": str(page_id), "_csrf_token": await csrf_token(client, url)},
        files={"image": ("evil.html", b"<script>alert(1)</script>", "text/html")},
    )
    assert bad.status_code == 400 and "are not allowed" in bad.text
    missing = await client.post(url, data={"page_id": str(page_id), "_csrf_token": await csrf_token(client, url)})
    assert missing.status_code == 400 and "This field is required." in missing.text
    ok = await client.post(
        url,
        data={"page_id": str(page_id), "_csrf_token": await csrf_token(client, url)},
        files={"image": ("logo.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert ok.status_code == 302, ok.text
    async with app.state.db_config.get_session() as session:
        image = (await session.execute(select(PageImage).where(PageImage.page_id == page_id))).scalars().one()
        stored = image.image
        await session.delete(image)
        await session.commit()
    assert stored.startswith("pages/images/") and stored.endswith(".png") and "logo" not in stored
    served = await client.get(f"/media/{stored}")
    assert served.status_code == 200 and served.content == PNG
    (seeded_settings.media_path / stored).unlink()
    (seeded_settings.media_path / stored.replace(".png", ".thumb.png")).unlink()


async def test_membership_csv_export(client: AsyncTestClient[Litestar], app: Litestar, superuser: str) -> None:
    member_id = await make_user(app, "member")
    try:
        async with app.state.db_config.get_session() as session:
            membership = Membership(
                creator_id=member_id,
                legal_name="Member Person",
                preferred_name="Mem",
                email_address="member@example.org",
                membership_type=5,
            )
            session.add(membership)
            await session.commit()
            membership_id = membership.id
        token = await csrf_token(client, "/admin/users/membership/")
        response = await client.post(
            "/admin/users/membership/",
            data={"action": "export_csv", "_selected": str(membership_id), "_csrf_token": token},
        )
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        lines = response.text.strip().splitlines()
        assert lines[0] == "Membership Type,Creator,Email Address,Votes,Last Vote Affirmation"
        assert lines[1] == "Fellow,member,member@example.org,False,"
        # filter by type
        assert "Member Person" in (await client.get("/admin/users/membership/?membership_type=5")).text
        assert "Member Person" not in (await client.get("/admin/users/membership/?membership_type=0")).text
    finally:
        await delete_user(app, "member")


async def test_only_superusers_grant_superuser(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    admin_id = await make_user(app, "useradmin", is_staff=True)
    victim_id = await make_user(app, "plain")
    try:
        async with app.state.db_config.get_session() as session:
            await ensure_auth_data(session)
            perm = (await session.execute(select(Permission).where(Permission.codename == "change_user"))).scalar_one()
            user = await session.get_one(User, admin_id)
            user.user_permissions = [perm]
            await session.commit()
        await log_in(client, "useradmin")
        url = f"/admin/users/user/{victim_id}/change/"
        page = await client.get(url)
        assert page.status_code == 200 and 'name="is_superuser"' not in page.text
        data = {
            "username": "plain",
            "email": "plain@example.org",
            "first_name": "Plain",
            "last_name": "",
            "bio": "",
            "bio_markup_type": "markdown",
            "search_visibility": "1",
            "email_privacy": "2",
            "public_profile": "y",
            "is_active": "y",
            "is_superuser": "y",
            "is_staff": "y",
            "_csrf_token": await csrf_token(client, url),
        }
        response = await client.post(url, data=data, follow_redirects=False)
        assert response.status_code == 302, response.text
        async with app.state.db_config.get_session() as session:
            victim = await session.get_one(User, victim_id)
            assert victim.first_name == "Plain"
            assert not victim.is_superuser and not victim.is_staff
        # adding users is off, as in Django
        assert (await client.get("/admin/users/user/add/")).status_code == 403
    finally:
        client.cookies.clear()
        await delete_user(app, "useradmin")
        await delete_user(app, "plain")


async def test_redirects_bulk_delete_and_groups(
    client: AsyncTestClient[Litestar], app: Litestar, superuser: str
) -> None:
    from pydotorg.db.models import Redirect

    url = "/admin/redirects/redirect/add/"
    bad = await client.post(
        url, data={"old_path": "no-slash", "new_path": "/x/", "_csrf_token": await csrf_token(client, url)}
    )
    assert bad.status_code == 400 and "absolute path" in bad.text
    for old in ("/old-one/", "/old-two/"):
        response = await client.post(
            url,
            data={"old_path": old, "new_path": "/about/", "_csrf_token": await csrf_token(client, url)},
            follow_redirects=False,
        )
        assert response.status_code == 302
    assert (await client.get("/old-one/", follow_redirects=False)).headers["location"] == "/about/"
    async with app.state.db_config.get_session() as session:
        ids = [
            str(i)
            for i in (await session.execute(select(Redirect.id).where(Redirect.old_path.like("/old-%")))).scalars()
        ]
    token = await csrf_token(client, "/admin/redirects/redirect/")
    confirm = await client.post(
        "/admin/redirects/redirect/", data={"action": "delete_selected", "_selected": ids, "_csrf_token": token}
    )
    assert confirm.status_code == 200 and "Are you sure" in confirm.text and "/old-two/" in confirm.text
    nothing = await client.post(
        "/admin/redirects/redirect/", data={"action": "delete_selected", "_csrf_token": token}, follow_redirects=False
    )
    assert nothing.status_code == 302
    done = await client.post(
        "/admin/redirects/redirect/",
        data={"action": "delete_selected", "_selected": ids, "confirm": "yes", "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 302
    assert (await client.get("/old-one/", follow_redirects=False)).status_code == 404

    # a group with permissions, picked from every permission the admin knows
    async with app.state.db_config.get_session() as session:
        await ensure_auth_data(session)
        await session.commit()
        perm_ids = [
            str(i)
            for i in (
                await session.execute(select(Permission.id).where(Permission.codename.in_(["view_box", "change_box"])))
            ).scalars()
        ]
    url = "/admin/auth/group/add/"
    response = await client.post(
        url,
        data={"name": "Box editors", "permissions": perm_ids, "_csrf_token": await csrf_token(client, url)},
        follow_redirects=False,
    )
    assert response.status_code == 302
    async with app.state.db_config.get_session() as session:
        group = (await session.execute(select(Group).where(Group.name == "Box editors"))).scalar_one()
        assert sorted(p.codename for p in group.permissions) == ["change_box", "view_box"]
        await session.delete(group)
        await session.commit()


async def test_draft_pages_are_visible_to_staff_only(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    async with app.state.db_config.get_session() as session:
        session.add(Page(title="Secret draft", path="about/draft-only/", content="Draft body", is_published=False))
        await session.commit()
    await make_user(app, "drafty", is_staff=True)
    try:
        assert (await client.get("/about/draft-only/")).status_code == 404
        await log_in(client, "drafty")
        staff_view = await client.get("/about/draft-only/")
        assert staff_view.status_code == 200 and "Draft body" in staff_view.text
        assert "Edit this page" in staff_view.text
    finally:
        client.cookies.clear()
        await delete_user(app, "drafty")
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Page).where(Page.path == "about/draft-only/"))
            await session.commit()


VERSION_RE = re.compile(r'name="_version" value="(\d+)"')


async def test_a_save_over_a_newer_edit_is_refused_with_the_differences(
    client: AsyncTestClient[Litestar], app: Litestar, superuser: str
) -> None:
    async with app.state.db_config.get_session() as session:
        page = Page(title="Two editors", path="about/two-editors", content="First line.\nSecond line.")
        session.add(page)
        await session.commit()
        page_id = page.id
    await make_user(app, "other-editor", is_staff=True)
    url = f"/admin/pages/page/{page_id}/change/"
    try:
        opened = await client.get(url)
        loaded = VERSION_RE.search(opened.text)
        assert loaded and loaded.group(1) == "1"
        # someone else saves meanwhile
        async with app.state.db_config.get_session() as session:
            row = await session.get(Page, page_id)
            assert row is not None
            other = (await session.execute(select(User.id).where(User.username == "other-editor"))).scalar_one()
            row.content, row.last_modified_by_id = "First line.\nTheir second line.", other
            await session.commit()
        mine = await _page_form(
            client, url, title="Two editors", path="about/two-editors", content="First line.\nMy second line."
        )
        refused = await client.post(url, data={**mine, "_version": loaded.group(1)}, follow_redirects=False)
        assert refused.status_code == 409
        assert "changed by other-editor at" in refused.text and "Nothing was saved" in refused.text
        assert "-Their second line." in refused.text and "+My second line." in refused.text
        assert "My second line." in refused.text  # the editor's text is still in the form
        async with app.state.db_config.get_session() as session:
            row = await session.get(Page, page_id)
            assert row is not None and row.content == "First line.\nTheir second line." and row.version == 2
        # the refusal carries the saved version: saving again is a deliberate overwrite
        again = VERSION_RE.search(refused.text)
        assert again and again.group(1) == "2"
        saved = await client.post(url, data={**mine, "_version": again.group(1)}, follow_redirects=False)
        assert saved.status_code == 302
        async with app.state.db_config.get_session() as session:
            row = await session.get(Page, page_id)
            assert row is not None and row.content == "First line.\nMy second line." and row.version == 3
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Page).where(Page.id == page_id))
            await session.commit()
        await delete_user(app, "other-editor")
