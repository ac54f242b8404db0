"""Addresses existing clients and monitors still call, answered as the Django site answered them (issue 15).

Each test names the Django behaviour it follows."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import delete_user, log_in, make_user


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
