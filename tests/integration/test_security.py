"""The security baseline: deny-by-default write routes, headers on every response, no cookies on cached pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar, WebSocket, get, post, websocket
from litestar.testing import AsyncTestClient

from pydotorg.app import create_app
from pydotorg.domain.users.guards import public_write, requires_login
from pydotorg.server.security import (
    CONTENT_SECURITY_POLICY,
    HSTS,
    public_write_routes,
    unguarded_write_routes,
)
from pydotorg.settings import Settings

pytestmark = pytest.mark.usefixtures("backend")

#: Every write route anyone may call without logging in, and why. Adding one means adding it here.
EXPECTED_PUBLIC_WRITES = {
    "POST /accounts/confirm-email/{key:str}",
    "POST /accounts/login",
    "POST /accounts/logout",
    "POST /accounts/password/reset",
    "POST /accounts/password/reset/key/{key:str}",
    "POST /accounts/signup",
    # step 1 of a sponsorship application only checks the choice and sets a cookie; applying needs an account
    "POST /sponsors/application",
}


def test_every_write_route_is_guarded_or_deliberately_public(app: Litestar) -> None:
    assert unguarded_write_routes(app) == []
    assert {route for route, _reason in public_write_routes(app)} == EXPECTED_PUBLIC_WRITES
    assert all(reason for _route, reason in public_write_routes(app))


def test_an_unguarded_write_route_is_caught() -> None:
    @post("/oops")
    async def oops() -> None:
        return None

    @post("/fine", guards=[requires_login])
    async def fine() -> None:
        return None

    @post("/open", opt=public_write("a test says so"))
    async def open_on_purpose() -> None:
        return None

    @get("/read")
    async def read() -> None:
        return None

    @websocket("/socket")
    async def socket(socket: WebSocket[Any, Any, Any]) -> None:
        await socket.close()

    @websocket("/guarded-socket", guards=[requires_login])
    async def guarded_socket(socket: WebSocket[Any, Any, Any]) -> None:
        await socket.close()

    app = Litestar([oops, fine, open_on_purpose, read, socket, guarded_socket])
    assert unguarded_write_routes(app) == ["POST /oops", "WEBSOCKET /socket"]
    assert public_write_routes(app) == [("POST /open", "a test says so")]


def test_create_app_refuses_unguarded_write_routes(seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from pydotorg.server import sections
    from pydotorg.web.section import Section

    @post("/sneaky-write")
    async def sneaky() -> None:
        return None

    monkeypatch.setattr(sections, "SECTIONS", [*sections.SECTIONS, Section(name="sneaky", documents=[sneaky])])
    with pytest.raises(Exception, match="POST /sneaky-write"):
        create_app(seeded_settings)


@pytest.mark.parametrize("path", ["/", "/about/apps/", "/no-such-page/", "/robots.txt", "/accounts/login/", "/api/x"])
async def test_security_headers_everywhere(client: AsyncTestClient[Litestar], path: str) -> None:
    response = await client.get(path)
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "strict-transport-security" not in response.headers  # development and tests are plain HTTP


async def test_static_files_and_hsts_in_production(
    seeded_settings: Settings, client: AsyncTestClient[Litestar]
) -> None:
    home = await client.get("/")
    css = re.search(r'href="(/static/css/site\.[^"]+\.css)"', home.text)
    assert css is not None
    static = await client.get(css.group(1))
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"
    production = seeded_settings.model_copy(update={"env": "production", "secret_key": "s" * 48})
    app = create_app(production)
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as https:
        response = await https.get("/robots.txt")
        assert response.headers["strict-transport-security"] == HSTS
        login = await https.get("/accounts/login/")
        assert "secure" in login.headers["set-cookie"].lower()  # the CSRF cookie is Secure in production
    await app.state.db_config.get_engine().dispose()


async def test_pages_have_no_inline_script_or_style(client: AsyncTestClient[Litestar]) -> None:
    for path in ("/", "/about/apps/", "/accounts/login/", "/accounts/signup/", "/no-such-page/"):
        html = (await client.get(path)).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


async def test_anonymous_pages_set_no_cookies(client: AsyncTestClient[Litestar]) -> None:
    for path in ("/", "/about/apps/", "/box/homepage-jobs/", "/no-such-page/"):
        response = await client.get(path)
        assert "set-cookie" not in response.headers, path
    # the private account fragment (never cached) may carry the CSRF cookie for its logout form, never a session
    assert "sessionid" not in (await client.get("/authenticated")).headers.get("set-cookie", "")
    # form pages do hand out the CSRF cookie, and still no session
    client.cookies.clear()
    login = await client.get("/accounts/login/")
    assert "csrftoken=" in login.headers["set-cookie"] and "sessionid" not in login.headers["set-cookie"]


async def test_forged_or_missing_csrf_is_refused_with_a_helpful_page(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/accounts/login/", data={"login": "a", "password": "b"})
    assert response.status_code == 403
    assert "could not be verified" in response.text and "cookies" in response.text
    # the CSRF check runs before any guard: an anonymous forged post is refused the same way
    forged = await client.post("/admin/pages/page/add/", data={})
    assert forged.status_code == 403 and "could not be verified" in forged.text
