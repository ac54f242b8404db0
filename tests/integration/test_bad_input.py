"""Security finding 5: inputs that used to answer 500. Each now gets a 4xx with a message, and nothing is stored."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from pydotorg.db.models import Page, User
from pydotorg.lib.forms import is_number
from pydotorg.lib.ical import parse_calendar
from tests.conftest import CSRF_RE, HONEYPOT, delete_user, log_in, make_user, post_form
from tests.integration.test_api import _creds

pytestmark = pytest.mark.usefixtures("backend")

UNICODE_DIGITS = ["¹", "²3", "٣", "①", "𝟗"]


@pytest.mark.parametrize("digits", UNICODE_DIGITS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/downloads/release/{d}/",
        "/api/v1/downloads/release/set/1;{d}/",
        "/api/v1/downloads/release/?limit={d}",
        "/api/v1/downloads/release/?offset={d}",
        "/api/v2/downloads/release/{d}/",
        "/api/v2/downloads/release_file/?os={d}",
        "/api/v2/downloads/release_file/?release={d}",
        "/jobs/{d}/",
        "/events/python-events/{d}/",
    ],
)
async def test_unicode_digits_in_ids_lists_and_filters(
    client: AsyncTestClient[Litestar], path: str, digits: str
) -> None:
    response = await client.get(path.format(d=digits))
    # a 4xx with a message, or (for a decimal digit Python reads, such as "٣") the row it names: never a 500
    assert response.status_code < 500, (path, digits, response.status_code)
    if response.status_code >= 400 and path.startswith("/api/"):
        assert response.content, (path, digits)


def test_is_number_takes_ascii_digits_only() -> None:
    assert is_number("42") and not is_number("") and not is_number("-1")
    for text in UNICODE_DIGITS:
        assert not is_number(text), text


async def test_a_non_ascii_api_key_is_a_401(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    await make_user(app, "keyholder", is_staff=True)
    try:
        creds = await _creds(app, "keyholder")
        assert (await client.get("/api/v1/downloads/os/", headers=creds.v1)).status_code == 200
        response = await client.get(
            "/api/v1/downloads/os/", headers={"Authorization": "ApiKey keyholder:clé-ünïcode".encode()}
        )
        assert response.status_code == 401
    finally:
        await delete_user(app, "keyholder")


@pytest.mark.parametrize(
    "body",
    [b"[" * 5000 + b"]" * 5000, b'{"name": "\xff\xfe"}', b'{"name": "x"', b"\x00"],
    ids=["deep", "bad-utf8", "truncated", "nul"],
)
async def test_malformed_json_bodies_are_400(client: AsyncTestClient[Litestar], app: Litestar, body: bytes) -> None:
    await make_user(app, "poster", is_staff=True, is_superuser=True)
    try:
        creds = await _creds(app, "poster")
        headers = {"Content-Type": "application/json"}
        v1 = await client.post("/api/v1/downloads/os/", content=body, headers={**headers, **creds.v1})
        v2 = await client.post("/api/v2/downloads/os/", content=body, headers={**headers, **creds.v2})
        assert v1.status_code == 400 and "Malformed JSON" in v1.text
        assert v2.status_code == 400 and "JSON parse error" in v2.json()["detail"]
    finally:
        await delete_user(app, "poster")


async def test_profile_edit_without_names_or_bio(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    await make_user(app, "nameless")
    try:
        await log_in(client, "nameless")
        form = {
            "username": "nameless",
            "email": "nameless@example.org",
            "search_visibility": "1",
            "email_privacy": "2",
            **HONEYPOT,
        }
        response = await post_form(client, "/users/edit/", form)
        assert response.status_code == 302
        async with app.state.db_config.get_session() as session:
            user = (await session.execute(select(User).where(User.username == "nameless"))).scalar_one()
            assert (user.first_name, user.last_name, user.bio) == ("", "", "")
    finally:
        client.cookies.clear()
        await delete_user(app, "nameless")


@pytest.mark.parametrize("template", ["../../../../etc/passwd", "no/such/template.html", "pages/../base.html"])
async def test_a_page_template_must_be_one_of_ours(
    client: AsyncTestClient[Litestar], app: Litestar, template: str
) -> None:
    await make_user(app, "templater", is_staff=True, is_superuser=True)
    try:
        creds = await _creds(app, "templater")
        async with app.state.db_config.get_session() as session:
            before = (await session.execute(select(func.count()).select_from(Page))).scalar_one()
        body = {"title": "T", "path": "about/template-test", "content": "x", "template_name": template}
        v1 = await client.post("/api/v1/pages/page/", json=body, headers=creds.v1)  # v2 pages are read-only
        assert v1.status_code == 400 and "template_name" in v1.text
        await log_in(client, "templater")
        admin = await post_form(
            client,
            "/admin/pages/page/add/",
            {
                "title": "T",
                "path": "about/template-test",
                "content": "x",
                "content_markup_type": "restructuredtext",
                "content_type": "text/html",
                "template_name": template,
            },
        )
        assert admin.status_code == 400 and "Choose one of" in admin.text
        async with app.state.db_config.get_session() as session:
            assert (await session.execute(select(func.count()).select_from(Page))).scalar_one() == before
    finally:
        client.cookies.clear()
        await delete_user(app, "templater")


def test_an_overflowing_ics_duration_skips_that_event_only() -> None:
    data = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:huge\r
SUMMARY:Forever\r
DTSTART:20270101T100000Z\r
DURATION:P999999999D\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:fine\r
SUMMARY:A sprint\r
DTSTART:20270102T100000Z\r
DTEND:20270102T120000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""
    result = parse_calendar(data)
    assert [event.uid for event in result.events] == ["fine"]
    assert len(result.errors) == 1 and "huge" in result.errors[0]


async def test_leading_slashes_never_make_a_protocol_relative_redirect(client: AsyncTestClient[Litestar]) -> None:
    """Security finding 6: ``GET //about`` answered ``301 Location: //about/``, which browsers follow off-site."""
    for path in ("//about", "///about", "//about?x=1"):
        response = await client.get(f"http://testserver.local{path}", follow_redirects=False)
        assert response.status_code == 301, path
        location = response.headers["location"]
        assert location.startswith("/about/") and not location.startswith("//"), (path, location)


async def test_job_locations_are_escaped_in_the_feed(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    """Security finding 6: city, region and country went into the RSS description as raw HTML."""
    import datetime

    from pydotorg.db.base import utcnow
    from pydotorg.db.models import Job, JobCategory

    async with app.state.db_config.get_session() as session:
        category = (await session.execute(select(JobCategory).limit(1))).scalar_one()
        job = Job(
            job_title="Escaping engineer",
            city="<script>alert(1)</script>",
            region="<b>North</b>",
            country="Norway",
            email="x@example.org",
            description="d",
            requirements="r",
            category_id=category.id,
            status="approved",
            expires=utcnow() + datetime.timedelta(days=5),
        )
        session.add(job)
        await session.commit()
        job_id = job.id
    try:
        import xml.etree.ElementTree as ET

        feed = ET.fromstring((await client.get("/jobs/feed/rss/")).content)
        item = next(i for i in feed.iter("item") if i.findtext("title", "").startswith("Escaping engineer"))
        description = item.findtext("description", "")
        assert "<script>" not in description and "<b>" not in description
        assert description.startswith("<p>&lt;script&gt;alert(1)&lt;/script&gt;, &lt;b&gt;North&lt;/b&gt;, Norway</p>")
    finally:
        async with app.state.db_config.get_session() as session:
            await session.delete(await session.get_one(Job, job_id))
            await session.commit()


async def test_login_rotates_the_csrf_token_and_logout_expires_the_session_cookie(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    """Security finding 6: the CSRF token was kept across login, and logout's deletion cookie carried the
    session's two-week Max-Age."""
    await make_user(app, "rotator")
    try:
        response = await log_in(client, "rotator")
        cookies = response.headers.get_list("set-cookie")
        assert any(c.startswith("csrftoken=") and "Max-Age=0" in c for c in cookies), cookies
        page = await client.get("/accounts/email/")
        assert any(c.startswith("csrftoken=") and "Max-Age=0" not in c for c in page.headers.get_list("set-cookie"))
        token = CSRF_RE.search(page.text)
        assert token is not None
        out = await client.post("/accounts/logout/", data={"_csrf_token": token.group(1)}, follow_redirects=False)
        assert out.status_code in {302, 303}
        session_cookie = [c for c in out.headers.get_list("set-cookie") if c.startswith("sessionid=")]
        assert session_cookie and all("Max-Age=0" in c and "Max-Age=1209600" not in c for c in session_cookie)
    finally:
        client.cookies.clear()
        await delete_user(app, "rotator")


@pytest.mark.parametrize(
    "path", ["/events/", "/events/python-events/", "/events/python-events/feed.ics", "/jobs/", "/jobs/feed/rss/"]
)
async def test_cached_public_pages_set_no_cookie(client: AsyncTestClient[Litestar], path: str) -> None:
    """Security finding 6: the origin cache replayed the first visitor's csrftoken cookie to later visitors."""
    client.cookies.clear()
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers.get_list("set-cookie") == []


async def test_form_pages_still_hand_out_the_csrf_cookie(client: AsyncTestClient[Litestar]) -> None:
    client.cookies.clear()
    response = await client.get("/accounts/login/")
    assert any(c.startswith("csrftoken=") for c in response.headers.get_list("set-cookie"))
