"""One way changes leave the database (``web/changes.py``): purges and mail after commit, nothing after a rollback.

A local HTTP server stands in for the CDN's purge API (Fastly's ``PURGE <url>`` and
``POST /service/<id>/purge/<key>``) and records what it is asked.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from pydotorg.app import create_app
from pydotorg.db.base import utcnow
from pydotorg.db.models import Box, Event, Job, Page, Release
from pydotorg.settings import Settings
from pydotorg.web.changes import POLICIES, after_commit, mail_after_commit, pending
from tests.conftest import delete_user, log_in, make_user, read_mails, wait_for_mail

pytestmark = pytest.mark.usefixtures("backend")


MAIL = {"job": {"display_name": "A job", "id": 1}, "comment": "c", "commenter": "me", "job_url": "/jobs/1/", "site": ""}


class Recorder(BaseHTTPRequestHandler):
    seen: list[str]

    def _record(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_PURGE = do_POST = _record

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def cdn() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


@pytest.fixture
async def cdn_app(seeded_settings: Settings, cdn: tuple[str, list[str]]) -> AsyncIterator[Litestar]:
    base, _ = cdn
    settings = seeded_settings.model_copy(
        update={
            "fastly_api_key": "test-key",
            "fastly_service_id": "svc",
            "fastly_api_url": base,
            "purge_site_url": base,
        }
    )
    app = create_app(settings)
    yield app
    await app.state.db_config.get_engine().dispose()


@pytest.fixture
async def staff_client(cdn_app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=cdn_app, base_url="http://testserver.local") as client:
        await make_user(cdn_app, "purger", is_superuser=True, is_staff=True)
        await log_in(client, "purger")
        yield client
        client.cookies.clear()
        await delete_user(cdn_app, "purger")


class FormFields(HTMLParser):
    """The values a browser would submit from the admin's change form, as it was rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "file", "button"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            self.values.setdefault(name, []).append(a.get("value", "y" if a.get("type") == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.setdefault(self._select, []).append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            # a browser drops the newline that follows <textarea> (HTML's parsing rule)
            text = self.values[self._textarea][-1].replace("\r\n", "\n")
            self.values[self._textarea][-1] = text.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


async def admin_edit(client: AsyncTestClient[Litestar], url: str, **changes: str) -> None:
    form = await client.get(url)
    assert form.status_code == 200, url
    parser = FormFields()
    parser.feed(form.text)
    data: dict[str, list[str]] = {**parser.values, **{k: [v] for k, v in changes.items()}}
    response = await client.post(url, data=data, follow_redirects=False)  # type: ignore[arg-type]
    errors = re.findall(r'class="errorlist" id="([^"]*)"[^>]*>(.*?)</ul>', response.text, re.S)
    assert response.status_code == 302, (url, errors or response.text[:2000])


async def wait_for(seen: list[str], expected: set[str], wait: float = 10.0) -> None:
    deadline = time.monotonic() + wait
    while True:
        if expected <= set(seen) or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    assert expected <= set(seen), (sorted(expected - set(seen)), seen)


async def _first(app: Litestar, query: object) -> object:
    async with app.state.db_config.get_session() as session:
        row = (await session.execute(query)).scalars().first()  # type: ignore[call-overload]
        assert row is not None
        return row


async def test_an_admin_edit_of_a_listed_job_purges_it_at_the_cdn(
    cdn_app: Litestar, staff_client: AsyncTestClient[Litestar], cdn: tuple[str, list[str]]
) -> None:
    """The stale-CDN case: the jobs admin used to clear only the origin cache, so a listed job stayed stale at the
    CDN for up to five minutes after an edit."""
    _, seen = cdn
    job = await _first(cdn_app, select(Job).where(Job.status == "approved", Job.expires > utcnow()))
    assert isinstance(job, Job)
    await admin_edit(staff_client, f"/admin/jobs/job/{job.id}/change/", job_title=f"{job.job_title} (edited)")
    await wait_for(
        seen, {f"PURGE /jobs/{job.id}/", "PURGE /jobs/", "PURGE /jobs/feed/rss/", "POST /service/svc/purge/jobs"}
    )


@pytest.mark.parametrize(
    ("model", "url", "field", "expected"),
    [
        (Event, "/admin/events/event/{id}/change/", "title", {"POST /service/svc/purge/events", "PURGE /"}),
        (Page, "/admin/pages/page/{id}/change/", "title", {"PURGE /{path}/"}),
        (Box, "/admin/boxes/box/{id}/change/", "content", {"PURGE /box/{label}/"}),
        (Release, "/admin/downloads/release/{id}/change/", "name", {"POST /service/svc/purge/downloads"}),
    ],
)
async def test_an_admin_edit_purges_what_the_model_declares(
    cdn_app: Litestar,
    staff_client: AsyncTestClient[Litestar],
    cdn: tuple[str, list[str]],
    model: type,
    url: str,
    field: str,
    expected: set[str],
) -> None:
    _, seen = cdn
    row = await _first(cdn_app, select(model).order_by(model.id))  # type: ignore[attr-defined]
    original = getattr(row, field)
    values = {"id": row.id, "path": getattr(row, "path", ""), "label": getattr(row, "label", "")}  # type: ignore[attr-defined]
    try:
        await admin_edit(staff_client, url.format(**values), **{field: f"{original} (edited)"})
        await wait_for(seen, {entry.format(**values) for entry in expected})
    finally:
        async with cdn_app.state.db_config.get_session() as session:
            fresh = await session.get(model, values["id"])
            setattr(fresh, field, original)
            await session.commit()


async def test_a_box_edit_reloads_the_site_content_and_clears_the_origin_cache(
    cdn_app: Litestar, staff_client: AsyncTestClient[Litestar]
) -> None:
    box = await _first(cdn_app, select(Box).where(Box.label == "homepage-jobs"))
    assert isinstance(box, Box)
    version = await cdn_app.stores.get("sitecontent").get("version")
    await cdn_app.stores.get("responsecache").set("probe", b"stale")
    try:
        await admin_edit(
            staff_client,
            f"/admin/boxes/box/{box.id}/change/",
            content="Hiring **today**",
            content_markup_type="markdown",
        )
        assert await cdn_app.stores.get("sitecontent").get("version") != version
        assert await cdn_app.stores.get("responsecache").get("probe") is None
        assert "Hiring <strong>today</strong>" in (await staff_client.get("/")).text
    finally:
        async with cdn_app.state.db_config.get_session() as session:
            fresh = await session.get_one(Box, box.id)
            fresh.content, fresh.content_markup_type = box.content, box.content_markup_type
            await session.commit()


async def test_a_rolled_back_change_sends_no_mail_queues_no_job_and_purges_nothing(
    cdn_app: Litestar, seeded_settings: Settings, cdn: tuple[str, list[str]]
) -> None:
    _, seen = cdn
    marker = f"rollback-{time.monotonic_ns()}@example.org"
    async with cdn_app.state.db_config.get_session() as session:
        job = (await session.execute(select(Job).order_by(Job.id))).scalars().first()
        assert job is not None
        job_id = job.id
        job.job_title = "never saved"
        await session.flush()
        mail_after_commit(session, "job_comment", marker, **MAIL)
        after_commit(session, "purge_cdn", urls=["/never/"])
        assert pending(session).urls and pending(session).jobs
        await session.rollback()
        assert not pending(session)
    await asyncio.sleep(0.3)
    assert read_mails(seeded_settings, marker) == []
    assert not [entry for entry in seen if "/never/" in entry or "/jobs/" in entry]
    async with cdn_app.state.db_config.get_session() as session:
        assert (await session.get_one(Job, job_id)).job_title != "never saved"


async def test_a_committed_change_mails_and_purges_once(
    cdn_app: Litestar, seeded_settings: Settings, cdn: tuple[str, list[str]]
) -> None:
    _, seen = cdn
    marker = f"commit-{time.monotonic_ns()}@example.org"
    async with cdn_app.state.db_config.get_session() as session:
        job = (await session.execute(select(Job).order_by(Job.id))).scalars().first()
        assert job is not None
        title = job.job_title
        job.job_title = f"{title} "
        mail_after_commit(session, "job_comment", marker, **MAIL)
        assert read_mails(seeded_settings, marker) == []  # nothing leaves before the commit
        await session.commit()
        job.job_title = title
        await session.commit()
    await wait_for(seen, {f"PURGE /jobs/{job.id}/"})
    assert len(await wait_for_mail(seeded_settings, marker)) == 1


def test_every_content_model_declares_what_it_makes_stale() -> None:
    from pydotorg.db.models import Banner, Calendar, JobCategory, JobType, Menu, MenuItem, OccurringRule, Redirect

    for model in (Job, JobType, JobCategory, Event, Calendar, OccurringRule, Page, Redirect, Box, Release):
        assert model in POLICIES, model
    for model in (Box, Banner, Menu, MenuItem):
        assert POLICIES[model].site_content, model
    assert list(POLICIES[Job].urls(Job(id=7))) == ["/jobs/7/", "/jobs/", "/jobs/feed/rss/"]
    assert re.fullmatch(r"/about/apps/", next(iter(POLICIES[Page].urls(Page(path="about/apps")))))
