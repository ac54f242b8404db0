"""Addresses existing clients and monitors still call, answered as the Django site answered them (issue 15).

Each test names the Django behaviour it follows."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import delete_user, log_in, make_user, post_form


async def test_healthcheck_alias_answers_ok(client: AsyncTestClient[Litestar]) -> None:
    # monitors written for the Django deployment call /_healthcheck; Django's own pattern is ``^_health/?``
    for path in ("/_healthcheck", "/_health/", "/_health/anything"):
        response = await client.get(path)
        assert (response.status_code, response.text) == (200, "OK"), path
        assert response.headers["cache-control"] == "no-cache"


async def test_legacy_media_urls_redirect_permanently_to_the_media_storage(client: AsyncTestClient[Litestar]) -> None:
    # Django's MediaMigrationView (``^m/(?P<url>.*)/$``): 301 to the media bucket; dot segments and the query go
    response = await client.get("/m/files/./logo.png/?utm=x", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "http://testserver.local/media/files/logo.png"
    # the target comes from configuration, never from the request's Host
    other = await client.get("/m/a.png/", headers={"Host": "testserver"}, follow_redirects=False)
    assert other.headers["location"] == "http://testserver.local/media/a.png"
    assert (await client.get("/m/", follow_redirects=False)).status_code == 404


async def test_release_edit_button_alias_is_staff_only(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    # Django's ``/release-edit-button/<pk>``: an HTML fragment, empty unless a staff member asks
    anonymous = await client.get("/release-edit-button/1")
    assert anonymous.status_code == 200 and anonymous.text == ""
    assert "private" in anonymous.headers["cache-control"]
    await make_user(app, "wire-staff", is_staff=True)
    try:
        await log_in(client, "wire-staff")
        staff = await client.get("/release-edit-button/1")
        assert staff.text == '<a class="button" href="/admin/downloads/release/1/change/">Edit this release</a>'
        assert (await client.get("/release-edit-button/999999")).text == ""
    finally:
        client.cookies.clear()
        await delete_user(app, "wire-staff")


async def test_get_on_post_only_routes_sends_anonymous_visitors_to_login(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    # Django: job_remove, job_review_comment_create and user_membership_delete are behind login_required, which
    # redirects an anonymous GET to the login page before the view sees the method
    paths = ("/jobs/1/remove/", "/jobs/create-review-comment/", "/users/membership/delete/wire-user/")
    for path in paths:
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 302, path
        assert response.headers["location"].startswith("/accounts/login/?next=")
    # signed in, the GET is refused with the methods the address does accept (a GET never changes state here)
    await make_user(app, "wire-user")
    try:
        await log_in(client, "wire-user")
        for path, allowed in zip(paths, ("POST", "POST", "POST, DELETE"), strict=True):
            response = await client.get(path, follow_redirects=False)
            assert response.status_code == 405, path
            assert response.headers["allow"] == allowed
    finally:
        client.cookies.clear()
        await delete_user(app, "wire-user")


async def test_logout_get_redirects_home_when_nobody_is_signed_in(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    # allauth's LogoutView: an anonymous GET goes to ACCOUNT_LOGOUT_REDIRECT_URL ("/"); signed in, the GET shows
    # the confirmation form and signing out stays a POST
    response = await client.get("/accounts/logout/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (302, "/")
    await make_user(app, "wire-logout")
    try:
        await log_in(client, "wire-logout")
        confirm = await client.get("/accounts/logout/")
        assert confirm.status_code == 200 and 'action="/accounts/logout/"' in confirm.text
        assert "wire-logout" in (await client.get("/authenticated")).text
    finally:
        client.cookies.clear()
        await delete_user(app, "wire-logout")


async def test_admin_login_under_the_admin(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    # Django's AdminSite.admin_view sends anonymous visitors to reverse("admin:login") with next=<full path>
    response = await client.get("/admin/pages/page/?q=about", follow_redirects=False)
    # QueryDict.urlencode(safe="/"): the slashes stay, the query's "?" and "=" are escaped
    assert response.status_code == 302
    assert response.headers["location"] == "/admin/login/?next=/admin/pages/page/%3Fq%3Dabout"
    form = await client.get("/admin/login/?next=/admin/pages/page/")
    assert form.status_code == 200
    assert 'action="/accounts/login/"' in form.text and 'value="/admin/pages/page/"' in form.text
    # an off-site next falls back to the admin index
    assert 'value="/admin/"' in (await client.get("/admin/login/?next=//evil.example/")).text
    # Django's admindocs needs staff too
    response = await client.get("/admin/doc/", follow_redirects=False)
    assert response.headers["location"] == "/admin/login/?next=/admin/doc/"
    await make_user(app, "wire-admin-staff", is_staff=True)
    await make_user(app, "wire-admin-civilian")
    try:
        await log_in(client, "wire-admin-civilian")
        refused = await client.get("/admin/login/")
        assert refused.status_code == 200 and "cannot use the admin" in refused.text
        client.cookies.clear()
        await log_in(client, "wire-admin-staff")
        signed_in = await client.get("/admin/login/?next=/admin/pages/page/", follow_redirects=False)
        assert (signed_in.status_code, signed_in.headers["location"]) == (302, "/admin/pages/page/")
        assert (await client.get("/admin/doc/", follow_redirects=False)).headers["location"] == "/admin/"
    finally:
        client.cookies.clear()
        await delete_user(app, "wire-admin-staff")
        await delete_user(app, "wire-admin-civilian")


async def test_favicon_ico_where_nginx_served_it(client: AsyncTestClient[Litestar]) -> None:
    # nginx: `location /favicon.ico { alias /app/static-root/favicon.ico; add_header Cache-Control "max-age=604800,
    # public"; }`, and Django's collectstatic put the same file at /static/favicon.ico
    root = await client.get("/favicon.ico")
    assert root.status_code == 200 and root.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert root.headers["cache-control"] == "max-age=604800, public"
    static = await client.get("/static/favicon.ico")
    assert static.status_code == 200 and static.content == root.content


async def test_page_content_is_rendered_html_and_pages_come_by_title_then_path(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    # Django's Page.content is a MarkupField: tastypie and DRF send str(field), the rendered HTML; Page.Meta.ordering
    # is ("title", "path")
    from sqlalchemy import select

    from pydotorg.db.models import Page

    async with app.state.db_config.get_session() as session:
        page = (
            await session.execute(
                select(Page).where(Page.is_published.is_(True), Page.content_markup_type == "restructuredtext").limit(1)
            )
        ).scalar_one()
    v1 = (await client.get("/api/v1/pages/page/?limit=0")).json()["objects"]
    v2 = (await client.get("/api/v2/pages/page/")).json()
    for objects in (v1, v2):
        assert [(p["title"], p["path"]) for p in objects] == sorted((p["title"], p["path"]) for p in objects)
        sent = next(p for p in objects if p["path"] == page.path)
        assert sent["content"] == page.content_rendered != page.content


async def test_release_files_come_in_djangos_meta_ordering(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    # ReleaseFile.Meta.ordering = ("-release__is_published", "release__name", "os__name", "name")
    from sqlalchemy import select

    from pydotorg.db.models import OS, Release, ReleaseFile

    async with app.state.db_config.get_session() as session:
        rows = (
            await session.execute(
                select(ReleaseFile.id, Release.is_published, Release.name, OS.name, ReleaseFile.name)
                .join(Release, ReleaseFile.release_id == Release.id)
                .join(OS, ReleaseFile.os_id == OS.id)
            )
        ).all()
    expected = [row[0] for row in sorted(rows, key=lambda r: (not r[1], r[2], r[3], r[4], r[0]))]
    v2 = [
        int(f["resource_uri"].rstrip("/").rsplit("/", 1)[1])
        for f in (await client.get("/api/v2/downloads/release_file/")).json()
    ]
    v1 = [
        int(f["resource_uri"].rstrip("/").rsplit("/", 1)[1])
        for f in (await client.get("/api/v1/downloads/release_file/?limit=0")).json()["objects"]
    ]
    assert v2 == expected
    assert v1 and v1 == expected[: len(v1)]  # tastypie's max_limit caps limit=0


async def test_allauth_account_urls_that_python_org_serves(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    # allauth's account URLs beyond login and signup: reauthenticate/, password/set/, login/code/confirm/ (login by
    # code is off), and /accounts/ itself
    assert (await client.get("/accounts/", follow_redirects=False)).headers["location"] == "/accounts/login/"
    code = await client.get("/accounts/login/code/confirm/", follow_redirects=False)
    assert (code.status_code, code.headers["location"]) == (302, "/accounts/login/")
    for path in ("/accounts/reauthenticate/", "/accounts/password/set/"):
        response = await client.get(path, follow_redirects=False)
        assert response.headers["location"] == f"/accounts/login/?next={path}", path
    await make_user(app, "wire-member")
    try:
        await log_in(client, "wire-member")
        assert (await client.get("/accounts/", follow_redirects=False)).headers["location"] == "/accounts/email/"
        # PasswordSetView: a user with a password changes it instead
        has_one = await client.get("/accounts/password/set/", follow_redirects=False)
        assert has_one.headers["location"] == "/accounts/password/change/"
        form = await client.get("/accounts/reauthenticate/?next=/accounts/email/")
        assert form.status_code == 200 and 'value="/accounts/email/"' in form.text
        wrong = await post_form(client, "/accounts/reauthenticate/", {"password": "nope", "next": "/accounts/email/"})
        assert wrong.status_code == 400 and "incorrect password" in wrong.text
        right = await post_form(
            client, "/accounts/reauthenticate/", {"password": "correct horse battery", "next": "/accounts/email/"}
        )
        assert (right.status_code, right.headers["location"]) == (302, "/accounts/email/")
    finally:
        client.cookies.clear()
        await delete_user(app, "wire-member")


async def test_page_titles_as_django_writes_them(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    import re

    from sqlalchemy import select

    from pydotorg.db.models import Release

    def title(html: str) -> str:
        found = re.search(r"<title>(.*?)</title>", html, re.S)
        assert found is not None
        return found.group(1).strip()

    async with app.state.db_config.get_session() as session:
        release = (
            await session.execute(select(Release).where(Release.is_published.is_(True)).order_by(Release.id).limit(1))
        ).scalar_one()
    # downloads/release_detail.html: "Python Release {{ release.name }} | Python.org"
    page = await client.get(f"/downloads/release/{release.slug}/")
    assert title(page.text) == f"Python Release {release.name} | Python.org"
    # the 404 template sets no title: base.html's default
    assert title((await client.get("/no/such/page/")).text) == "Welcome to Python.org"
    # users/user_detail.html: the full name (or the username) | Our Users & Members | Python.org
    await make_user(app, "wire-profile")
    try:
        profile = await client.get("/users/wire-profile/")
        assert title(profile.text) == "wire-profile | Our Users &amp; Members | Python.org"
    finally:
        await delete_user(app, "wire-profile")


async def test_funding_json_is_the_psf_funding_manifest(client: AsyncTestClient[Litestar]) -> None:
    # python.org's static/funding.json (the funding.json v1.0.0 standard): the PSF as owner, its four projects,
    # payment channels and sponsorship plans
    body = (await client.get("/funding.json")).json()
    assert body["version"] == "v1.0.0"
    assert (body["entity"]["role"], body["entity"]["email"]) == ("owner", "sponsors@python.org")
    assert [p["guid"] for p in body["projects"]] == ["cpython", "pypi", "pyconus", "community"]
    channels = {c["guid"] for c in body["funding"]["channels"]}
    assert channels == {"paypal", "paypal-member", "github", "bank"}
    plans = body["funding"]["plans"]
    assert [p["amount"] for p in plans] == [99, 155000, 95000, 63000, 33000, 16500, 11000, 4000, 1500]
    assert all(set(p["channels"]) <= channels for p in plans)


async def test_cms_pages_send_their_content_type_as_stored(client: AsyncTestClient[Litestar]) -> None:
    # Django's PageView: TemplateResponse(content_type=page.content_type) sends "text/html" exactly, no charset
    for _ in range(2):  # rendered, then from the origin cache
        response = await client.get("/about/apps/")
        assert response.status_code == 200 and response.headers["content-type"] == "text/html"
