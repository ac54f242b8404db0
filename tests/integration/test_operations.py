"""Operations: readiness, graceful shutdown, metrics, request ids and logs, and what visitors get while Redis or
PostgreSQL is unreachable (``server/health.py``, ``server/observability.py``, ``lib/stores.py``)."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient, TestClient
from sqlalchemy import func, select

from pydotorg import __version__
from pydotorg.app import create_app
from pydotorg.db.models.outbox import OutboxJob
from pydotorg.lib.logs import JsonFormatter, request_id
from pydotorg.server.health import DRAIN_FILE_ENV, migration_revisions, schema_state
from pydotorg.server.observability import init_sentry
from pydotorg.settings import Settings
from tests.conftest import TEST_REDIS_URL, make_settings, migrate, post_form
from tests.integration.test_server_workers import _free_port, _get_or_none

#: Nothing listens here: connections are refused at once.
DEAD_REDIS = "redis://127.0.0.1:9/0"
DEAD_POSTGRES = "postgresql+asyncpg://nobody:nothing@127.0.0.1:9/nothing"


async def _client(app: Litestar, **kwargs: Any) -> AsyncTestClient[Litestar]:
    return AsyncTestClient(app=app, base_url="http://testserver.local", **kwargs)


# -- readiness ---------------------------------------------------------------------------------------------------
async def test_ready_reports_each_check(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/_health/ready")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body == {
        "status": "ready",
        "release": __version__,
        "checks": {"instance": "ok", "database": "current", "redis": "not used"},
    }
    # Django's liveness answers stay as they were
    assert (await client.get("/_health")).text == "OK"
    assert (await client.get("/_health/anything")).text == "OK"


async def test_draining_instance_is_not_ready_but_still_serves(
    client: AsyncTestClient[Litestar], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    flag = tmp_path / "drain.flag"
    monkeypatch.setenv(DRAIN_FILE_ENV, str(flag))
    assert (await client.get("/_health/ready?scope=instance")).status_code == 200
    flag.touch()
    for url in ("/_health/ready", "/_health/ready?scope=instance"):
        response = await client.get(url)
        assert response.status_code == 503
        assert response.json()["checks"]["instance"] == "draining"
    assert (await client.get("/")).status_code == 200


def test_schema_states() -> None:
    heads, known = migration_revisions()
    (head,) = heads
    older = next(iter(known - heads))
    assert schema_state({head}) == "current"
    assert schema_state({older}) == "behind"
    assert schema_state({"0123abcd9999"}) == "ahead"  # a later release's migration: compatible by rule
    assert schema_state(set()) == "empty"


def test_schema_behind_is_not_ready(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite")
    migrate(settings)
    heads, known = migration_revisions()
    database = sqlite3.connect(settings.sqlalchemy_url.split("///", 1)[1])
    database.execute("UPDATE alembic_version SET version_num = ?", (sorted(known - heads)[0],))
    database.commit()
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver.local") as client:
        response = client.get("/_health/ready?scope=instance")
        assert response.status_code == 503
        assert response.json()["checks"]["instance"].startswith("schema behind")
        database.execute("UPDATE alembic_version SET version_num = 'fffffffff001'")
        database.commit()
        response = client.get("/_health/ready")
        assert response.status_code == 200
        assert response.json()["checks"]["database"] == "ahead"
    database.close()


# -- PostgreSQL unreachable ------------------------------------------------------------------------------------------
async def test_unreachable_database_is_a_fast_503(seeded_settings: Settings) -> None:
    settings = seeded_settings.model_copy(
        update={"database_url": DEAD_POSTGRES, "db_pool": True, "db_connect_timeout": 2.0}
    )
    app = create_app(settings)
    async with await _client(app) as client:
        started = time.monotonic()
        page = await client.get("/jobs/")
        assert page.status_code == 503, page.text[:500]
        assert "Service Temporarily Unavailable" in page.text
        assert page.headers["retry-after"] == "5"
        assert page.headers["cache-control"] == "no-store"
        api = await client.get("/api/v2/downloads/release/")
        assert api.status_code == 503
        assert api.json()["detail"] == "The service is temporarily unavailable."
        ready = await client.get("/_health/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] == "unreachable"
        # The balancer keeps the instance: every instance shares this database, and cached pages still serve.
        assert (await client.get("/_health/ready?scope=instance")).status_code == 200
        assert time.monotonic() - started < 20
    await app.state.db_config.get_engine().dispose()


# -- Redis unreachable -----------------------------------------------------------------------------------------------
@pytest.fixture
async def redis_down_app(seeded_settings: Settings) -> AsyncIterator[Litestar]:
    settings = seeded_settings.model_copy(
        update={"redis_url": DEAD_REDIS, "response_cache_seconds": 60, "redis_retry_after": 30.0}
    )
    app = create_app(settings)
    yield app
    await app.state.db_config.get_engine().dispose()


async def test_with_redis_down_pages_and_apis_answer_and_login_is_a_clear_503(redis_down_app: Litestar) -> None:
    async with await _client(redis_down_app) as client:
        for url in ("/", "/downloads/", "/jobs/", "/api/v2/downloads/release/", "/api/v1/downloads/os/"):
            response = await client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.text[:300])
        # cached on the instance meanwhile (a second request is a hit)
        assert (await client.get("/downloads/")).status_code == 200
        response = await post_form(client, "/accounts/login/", {"login": "nobody", "password": "whatever123"})
        assert response.status_code == 503
        assert "Signing in is unavailable for a few minutes" in response.text
        ready = await client.get("/_health/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["redis"] == "unreachable"


async def test_with_redis_down_a_job_is_kept_in_the_outbox(redis_down_app: Litestar) -> None:
    address = "outbox-test@example.com"
    async with await _client(redis_down_app) as client:
        response = await post_form(client, "/accounts/password/reset/", {"email": address})
        assert response.status_code == 302, response.text[:500]
    async with redis_down_app.state.db_config.get_session() as session:
        rows = (await session.scalars(select(OutboxJob).where(OutboxJob.kwargs.contains(address)))).all()
        assert len(rows) == 1
        assert rows[0].name == "send_mail"
        assert len(rows[0].request_id) == 32
        for row in rows:
            await session.delete(row)
        await session.commit()


@pytest.mark.redis
async def test_the_outbox_is_flushed_onto_the_queue_when_redis_answers(seeded_settings: Settings) -> None:
    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set (CI sets it)")
    from pydotorg.server.jobs import flush_job_outbox, job_context

    app = create_app(seeded_settings.model_copy(update={"redis_url": TEST_REDIS_URL}))
    queue = app.state.jobs.queue
    await queue.connect()
    try:
        async with app.state.db_config.get_session() as session:
            session.add(OutboxJob(name="purge_cdn", kwargs=json.dumps({"keys": ["outbox-test"]}), request_id="r" * 12))
            await session.commit()
        before = await queue.count("queued")
        context = job_context(app.state.settings, app.state.db_config.get_session, app.stores)
        context.jobs = app.state.jobs
        result = await flush_job_outbox(context)
        assert result.startswith("1 jobs")
        assert await queue.count("queued") == before + 1
        async with app.state.db_config.get_session() as session:
            assert await session.scalar(select(func.count()).select_from(OutboxJob)) == 0
    finally:
        await queue.disconnect()
        await app.state.db_config.get_engine().dispose()


# -- metrics, request ids, logs --------------------------------------------------------------------------------------
async def test_metrics_are_for_the_scraper_only(seeded_settings: Settings) -> None:
    app = create_app(seeded_settings.model_copy(update={"metrics_token": "scrape-me-please-0123456789"}))
    async with await _client(app) as client:
        assert (await client.get("/downloads/")).status_code == 200
        assert (await client.get("/metrics")).status_code == 403
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        response = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-please-0123456789"})
        assert response.status_code == 200
    text_ = response.text
    assert 'pydotorg_http_requests_total{method="GET",route="/downloads",status="200"}' in text_
    assert 'pydotorg_http_request_duration_seconds_bucket{le="0.1",route="/downloads"}' in text_
    assert "# TYPE pydotorg_response_cache_lookups_total counter" in text_
    assert "_created" not in text_
    assert 'pydotorg_job_queue_jobs{state="queued"}' in text_
    assert 'pydotorg_job_worker_jobs{outcome="failed"}' in text_
    assert "pydotorg_db_pool_connections" in text_
    await app.state.db_config.get_engine().dispose()


async def test_metrics_without_a_token(app: Litestar, seeded_settings: Settings) -> None:
    # the test client's address is not loopback: refused, as any other client without the token
    async with await _client(app) as client:
        assert (await client.get("/metrics")).status_code == 403
    production = seeded_settings.model_copy(update={"env": "production"})
    from pydotorg.server.observability import metrics_allowed

    class Local:
        client = type("C", (), {"host": "127.0.0.1"})()
        headers: dict[str, str] = {}

    assert metrics_allowed(Local(), seeded_settings)  # type: ignore[arg-type]
    assert not metrics_allowed(Local(), production)  # type: ignore[arg-type]


async def test_request_ids(client: AsyncTestClient[Litestar]) -> None:
    generated = (await client.get("/_health")).headers["x-request-id"]
    assert len(generated) == 32
    kept = await client.get("/_health", headers={"X-Request-ID": "haproxy-0A1B2C3D:1234"})
    assert kept.headers["x-request-id"] == "haproxy-0A1B2C3D:1234"
    refused = await client.get("/_health", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert refused.headers["x-request-id"] != "<script>alert(1)</script>"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_json_access_log_has_no_secrets(seeded_settings: Settings) -> None:
    app = create_app(seeded_settings.model_copy(update={"log_format": "json"}))
    handler = _Records()
    async with await _client(app) as client:
        # the app configured logging as it started: our handler goes on after that
        logging.getLogger("pydotorg.access").addHandler(handler)
        try:
            await client.get("/downloads/?token=secret-in-query", headers={"X-Request-ID": "req-12345678"})
        finally:
            logging.getLogger("pydotorg.access").removeHandler(handler)
    records = handler.records
    assert records
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["method"] == "GET"
    assert line["path"] == "/downloads/"
    assert line["status"] == 200
    assert line["request_id"] == "req-12345678"
    assert isinstance(line["duration_ms"], float)
    assert "secret-in-query" not in json.dumps(line)
    await app.state.db_config.get_engine().dispose()


def test_json_formatter_keeps_the_request_id_and_the_traceback() -> None:
    token = request_id.set("abc123abc123")
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            record = logging.LogRecord("pydotorg.x", logging.ERROR, __file__, 1, "failed %s", ("here",), sys.exc_info())
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id.reset(token)
    assert line["message"] == "failed here"
    assert line["request_id"] == "abc123abc123"
    assert "ValueError: boom" in line["exception"]


def test_sentry_starts_only_with_a_dsn(seeded_settings: Settings) -> None:
    import sentry_sdk

    assert init_sentry(seeded_settings) is False
    try:
        assert init_sentry(seeded_settings.model_copy(update={"sentry_dsn": "http://public@127.0.0.1:9/1"}))
        assert sentry_sdk.get_client().is_active()
    finally:
        sentry_sdk.init(dsn=None)


# -- graceful shutdown -------------------------------------------------------------------------------------------
def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_sigterm_drains_then_stops(tmp_path: Path) -> None:
    env = {**os.environ, "PYDOTORG_VAR_DIR": str(tmp_path), "PYDOTORG_ENV": "test"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["PYDOTORG_SHUTDOWN_DRAIN_SECONDS"] = "3"
    subprocess.run(
        [sys.executable, "-m", "pydotorg", "database", "upgrade", "--no-prompt"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = _free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "pydotorg", "run", "--host", "127.0.0.1", "--port", str(port), "--wc", "1"],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while _get_or_none(f"{base}/_health/ready") != 200:
                assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.3)
            server.send_signal(signal.SIGTERM)  # to the supervisor only, as systemd or Kubernetes do
            seen: list[tuple[int | None, int | None]] = []
            drain_deadline = time.monotonic() + 2.0
            while time.monotonic() < drain_deadline:
                seen.append((_status(f"{base}/_health/ready"), _status(f"{base}/")))
                time.sleep(0.2)
            # while draining: not ready, and still serving pages
            assert (503, 200) in seen, seen
            assert all(ready in (503, None) for ready, _ in seen[2:]), seen
            assert server.wait(timeout=30) == 0, log_path.read_text()[-2000:]
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
    assert _status(f"{base}/_health") is None
    assert "reporting not ready" in log_path.read_text()
