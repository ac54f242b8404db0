"""The staff admin's live updates over a real WebSocket (Litestar's test client), on SQLite with memory channels and
on PostgreSQL with Redis channels: who may connect, what each user is sent, presence, bad input, the poll."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import AsyncTestClient, WebSocketTestSession
from sqlalchemy import delete, select

from pydotorg.app import create_app
from pydotorg.db.models import Job, JobCategory, Page, User
from pydotorg.db.models.jobs import JobStatus
from pydotorg.server.health import DRAIN_FILE_ENV
from pydotorg.settings import Settings
from tests.conftest import TEST_REDIS_URL, csrf_token, delete_user, grant, log_in, make_user
from tests.factories import build_job
from tests.integration.test_server_workers import _free_port

pytestmark = pytest.mark.usefixtures("backend")

ORIGIN = {"origin": "http://testserver.local"}


@pytest.fixture(scope="module")
def live_app(seeded_settings: Settings) -> Litestar:
    """The app with Redis channels where the suite has Redis and PostgreSQL, memory channels on SQLite."""
    redis = TEST_REDIS_URL if seeded_settings.database_url else None
    return create_app(seeded_settings.model_copy(update={"redis_url": redis, "live_heartbeat": 0.5}))


@pytest.fixture
async def staff(live_app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """One client per test (one lifespan of the app at a time), signed in as a jobs moderator; other users'
    sockets are opened from it with their own session cookie (:func:`as_user`)."""
    await make_user(live_app, "live-moderator", is_staff=True)
    await grant(live_app, "live-moderator", perms=("jobs.view_job", "jobs.change_job", "pages.change_page"))
    async with AsyncTestClient(app=live_app, base_url="http://testserver.local") as client:
        await log_in(client, "live-moderator")
        yield client
    await delete_user(live_app, "live-moderator")


async def session_of(client: AsyncTestClient[Litestar], username: str) -> str:
    """Sign ``username`` in from ``client`` and return that session's id; the client's own session is kept."""
    mine = dict(client.cookies)
    client.cookies.clear()
    await log_in(client, username)
    sid = str(client.cookies["sessionid"])
    client.cookies.clear()
    client.cookies.update(mine)
    return sid


async def connect(client: AsyncTestClient[Litestar], sid: str | None, headers: dict[str, str]) -> WebSocketTestSession:
    """A socket with another session cookie (or none)."""
    mine = dict(client.cookies)
    client.cookies.clear()
    if sid is not None:
        client.cookies.set("sessionid", sid)
    try:
        return await client.websocket_connect("/admin/live", headers=headers)
    finally:
        client.cookies.clear()
        client.cookies.update(mine)


def _receive(ws: WebSocketTestSession, kind: str, wait: float = 10.0, **expected: Any) -> dict[str, Any]:
    """The next message of type ``kind`` whose fields have the ``expected`` values (others are skipped: pings,
    presence renewals)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        message: dict[str, Any] = ws.receive_json(timeout=deadline - time.monotonic())
        if message.get("type") == "ping" and kind != "ping":
            ws.send_json({"type": "pong", "v": 1})  # as the admin page does
        if message.get("type") == kind and all(message.get(k) == v for k, v in expected.items()):
            return message
    raise AssertionError(f"no {kind} message with {expected}")


def _close_code(ws: WebSocketTestSession) -> int:
    """The code the server closes ``ws`` with (whatever else it sends first is read and skipped)."""
    with pytest.raises(WebSocketDisconnect) as closed:
        _receive(ws, "never")
    return int(closed.value.code)


def in_app_loop(client: AsyncTestClient[Litestar], fn: Callable[..., Awaitable[Any]], *args: Any, **kw: Any) -> Any:
    """Run a change on the app's own event loop (the test client's portal): with Redis, the app's stores and
    channels hold connections of that loop, and the commit hooks use them."""
    return client.blocking_portal.call(partial(fn, *args, **kw))


async def _job_category(app: Litestar) -> int:
    async with app.state.db_config.get_session() as session:
        return int((await session.execute(select(JobCategory.id).limit(1))).scalar_one())


async def _refused(ws: WebSocketTestSession) -> int:
    """The close code a handshake gets (before the upgrade completes)."""
    with pytest.raises(WebSocketDisconnect) as refused, ws:
        pass
    return int(refused.value.code)


async def test_handshake_refusals(live_app: Litestar, staff: AsyncTestClient[Litestar]) -> None:
    assert await _refused(await connect(staff, None, ORIGIN)) == 4401
    assert await _refused(await connect(staff, "not-a-session", ORIGIN)) == 4401
    assert (
        await _refused(await staff.websocket_connect("/admin/live", headers={"origin": "https://evil.example"})) == 4403
    )
    assert await _refused(await staff.websocket_connect("/admin/live")) == 4403  # no Origin at all
    await make_user(live_app, "live-member")
    try:
        member = await session_of(staff, "live-member")
        assert await _refused(await connect(staff, member, ORIGIN)) == 4403
    finally:
        await delete_user(live_app, "live-member")


async def test_a_submitted_job_reaches_the_moderators_socket_after_commit(
    live_app: Litestar, staff: AsyncTestClient[Litestar]
) -> None:
    category = await _job_category(live_app)
    ws = await staff.websocket_connect("/admin/live", headers=ORIGIN)
    with ws:
        hello = _receive(ws, "hello")
        queues = {queue["queue"]: queue for queue in hello["queues"]}
        assert set(queues) == {"jobs"}  # only what this moderator may view: no sponsorships, no nominations
        before = queues["jobs"]["count"]

        # a rolled-back submission sends nothing
        async def submit(title: str, *, commit: bool) -> None:
            async with live_app.state.db_config.get_session() as session:
                session.add(build_job(category, status=JobStatus.REVIEW, job_title=title))
                await session.flush()
                await (session.commit() if commit else session.rollback())

        in_app_loop(staff, submit, "Never committed", commit=False)
        in_app_loop(staff, submit, "Live Pythonista", commit=True)
        try:
            update = _receive(ws, "queue")
            assert update["queue"] == "jobs" and update["count"] == before + 1
            assert update["items"][0]["title"].startswith("Live Pythonista")
            assert update["items"][0]["url"].startswith("/admin/jobs/job/")
            assert all("Never committed" not in item["title"] for item in update["items"])
            # the polling fallback answers the same
            polled = (await staff.get("/admin/live/queues.json")).json()
            assert polled["queues"][0]["count"] == before + 1
            assert polled["queues"][0]["items"][0]["title"] == update["items"][0]["title"]
        finally:
            async with live_app.state.db_config.get_session() as session:
                await session.execute(delete(Job).where(Job.job_title.in_(["Live Pythonista"])))
                await session.commit()


async def test_presence_and_bad_input(live_app: Litestar, staff: AsyncTestClient[Litestar]) -> None:
    await make_user(live_app, "live-editor", is_staff=True)
    await grant(live_app, "live-editor", perms=("pages.change_page",))
    async with live_app.state.db_config.get_session() as session:
        page_id = (await session.execute(select(Page.id).limit(1))).scalar_one()
    obj = f"pages.page:{page_id}"
    try:
        editor = await session_of(staff, "live-editor")
        first = await staff.websocket_connect("/admin/live", headers=ORIGIN)
        second = await connect(staff, editor, ORIGIN)
        with first, second:
            _receive(first, "hello")
            assert _receive(second, "hello")["queues"] == []  # no queue this editor may view
            first.send_json({"type": "edit", "v": 1, "object": obj})
            _receive(first, "presence", editors=[])
            second.send_json({"type": "edit", "v": 1, "object": obj})
            _receive(second, "presence", editors=["live-moderator"])
            _receive(first, "presence", editors=["live-editor"])
            # an object the editor may not view, an unknown type, another version: an error, nothing else
            second.send_json({"type": "edit", "v": 1, "object": "sponsors.sponsorship:1"})
            assert "not yours" in _receive(second, "error")["reason"]
            second.send_json({"type": "shout", "v": 1})
            assert _receive(second, "error")["reason"] == "Unknown message type."
            second.send_json({"type": "edit", "v": 99, "object": obj})
            assert "version 1" in _receive(second, "error")["reason"]
            # leaving tells the other editor
            second.send_json({"type": "leave", "v": 1})
            _receive(first, "presence", editors=[])
            # malformed JSON closes with 1007
            second.send_text("{not json")
            assert _close_code(second) == 1007
            # an oversized frame closes with 1009
            first.send_text('{"type": "pong", "pad": "' + "x" * 5000 + '"}')
            assert _close_code(first) == 1009
    finally:
        await delete_user(live_app, "live-editor")


async def test_a_flood_closes_the_socket(staff: AsyncTestClient[Litestar]) -> None:
    ws = await staff.websocket_connect("/admin/live", headers=ORIGIN)
    with ws:
        _receive(ws, "hello")
        for _ in range(40):
            ws.send_json({"type": "pong", "v": 1})
        assert _close_code(ws) == 1008


async def test_lost_staff_status_and_logout_close_the_socket(
    live_app: Litestar, staff: AsyncTestClient[Litestar]
) -> None:
    ws = await staff.websocket_connect("/admin/live", headers=ORIGIN)
    with ws:
        _receive(ws, "hello")
        await staff.post("/accounts/logout/", data={"_csrf_token": await csrf_token(staff, "/accounts/email/")})
        assert _close_code(ws) == 4401
    await make_user(live_app, "live-leaver", is_staff=True)
    try:
        ws = await connect(staff, await session_of(staff, "live-leaver"), ORIGIN)
        with ws:
            _receive(ws, "hello")

            async def demote() -> None:
                async with live_app.state.db_config.get_session() as session:
                    user = (await session.execute(select(User).where(User.username == "live-leaver"))).scalar_one()
                    user.is_staff = False
                    await session.commit()

            in_app_loop(staff, demote)
            assert _close_code(ws) == 4403
    finally:
        await delete_user(live_app, "live-leaver")


async def test_a_silent_client_is_dropped_after_two_heartbeats(staff: AsyncTestClient[Litestar]) -> None:
    ws = await staff.websocket_connect("/admin/live", headers=ORIGIN)
    with ws:
        assert _receive(ws, "hello")["heartbeat"] == 0.5
        assert _receive(ws, "ping")["v"] == 1
        await asyncio.sleep(2.0)  # no pong
        assert _close_code(ws) == 4408


async def test_the_poll_is_for_staff(live_app: Litestar) -> None:
    async with AsyncTestClient(app=live_app, base_url="http://testserver.local") as anonymous:
        answer = await anonymous.get("/admin/live/queues.json", follow_redirects=False)
        assert answer.status_code in (302, 401, 403)


async def test_with_redis_gone_the_socket_closes_with_a_reason_and_comes_back(
    seeded_settings: Settings, tmp_path: Path
) -> None:
    if not seeded_settings.database_url or not shutil.which("redis-server"):
        pytest.skip("runs once, on the PostgreSQL + Redis half (redis-server from Debian)")
    port = _free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)]
    redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        settings = seeded_settings.model_copy(
            update={"redis_url": f"redis://127.0.0.1:{port}/0", "live_heartbeat": 0.5, "redis_retry_after": 0.2}
        )
        app = create_app(settings)
        await make_user(app, "live-outage", is_staff=True)
        try:
            async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
                await log_in(client, "live-outage")
                ws = await client.websocket_connect("/admin/live", headers=ORIGIN)
                with ws:
                    _receive(ws, "hello")
                    redis.terminate()
                    redis.wait(timeout=10)
                    with pytest.raises(WebSocketDisconnect) as down:
                        _receive(ws, "never")
                    assert down.value.code == 1013 and "unavailable" in down.value.detail
                assert (await client.get("/")).status_code == 200  # the site itself keeps answering
                redis = subprocess.Popen(command, stdout=subprocess.DEVNULL)
                deadline = time.monotonic() + 15
                while not app.state.live.available:  # the subscription resumes by itself
                    assert time.monotonic() < deadline, "live updates did not come back"
                    await asyncio.sleep(0.1)
        finally:
            await delete_user(app, "live-outage")
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


async def test_a_draining_instance_sends_its_sockets_elsewhere(
    staff: AsyncTestClient[Litestar], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drain_file = tmp_path / "draining"
    monkeypatch.setenv(DRAIN_FILE_ENV, str(drain_file))
    ws = await staff.websocket_connect("/admin/live", headers=ORIGIN)
    with ws:
        _receive(ws, "hello")
        drain_file.touch()  # what SIGTERM does to `pydotorg run` (server/health.py)
        assert _close_code(ws) == 1012
