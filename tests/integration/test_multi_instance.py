"""Several app instances and job workers share one PostgreSQL and one Redis, and nothing lives in one of them.

Two ``pydotorg run`` processes (A and B, one Granian worker each) and two ``pydotorg workers run`` processes are
started against CI's PostgreSQL and Redis, as a deploy behind the load balancer runs them (deploy/haproxy.cfg):

* a visitor who signs in on A is still signed in when the balancer sends the next request to B (shared sessions);
* a job enqueued by B runs once, on whichever worker takes it (one mail, not one per worker);
* an edit through A's API is on B's answers within PYDOTORG_VERSION_CHECK_SECONDS, although B had the page in
  the shared response cache and in its own memory;
* a cron schedule runs once per tick however many workers are up (SAQ enqueues each tick under one job key).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis
from saq import CronJob, Queue, Worker
from sqlalchemy import select
from sqlalchemy.engine import make_url

from pydotorg.app import create_app
from pydotorg.db.models import OS, Token, User
from pydotorg.server.jobs import periodic_jobs, saq_tasks
from pydotorg.settings import Settings
from tests.conftest import (
    CSRF_RE,
    SERVER_DATABASE_URL,
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    _create_database,
    _reset_postgres,
    make_settings,
    make_user,
    migrate_and_seed,
    read_mails,
)
from tests.integration.test_server_workers import _free_port, _get_or_none

pytestmark = pytest.mark.postgres

NEEDS = "TEST_DATABASE_URL and TEST_REDIS_URL are not set (CI sets both; see the README's Tests section)"


@dataclass
class Deployment:
    a: str
    b: str
    settings: Settings
    var_dir: Path
    logs: list[Path]


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pydotorg", *args], env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if not (TEST_DATABASE_URL and SERVER_DATABASE_URL and TEST_REDIS_URL):
        pytest.skip(NEEDS)
    var_dir = tmp_path_factory.mktemp("multi")
    url = make_url(TEST_DATABASE_URL)
    database_url = url.set(database=f"{url.database}_multi").render_as_string(hide_password=False)
    asyncio.run(_create_database(database_url))
    asyncio.run(_reset_postgres(database_url))
    settings = make_settings(var_dir, "postgres", database_url=database_url, redis_url=TEST_REDIS_URL)
    migrate_and_seed(settings)
    asyncio.run(_flush_redis(TEST_REDIS_URL))

    env = {
        **os.environ,
        "PYDOTORG_ENV": "test",
        "PYDOTORG_VAR_DIR": str(var_dir),  # shared: the file mail backend writes var/mail, read by the test
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "PYDOTORG_RESPONSE_CACHE_SECONDS": "300",
        "PYDOTORG_AUTH_RATE_LIMIT": "1000",
        "PYDOTORG_MAIL_RATE_LIMIT": "1000",
    }
    ports = [_free_port(), _free_port()]
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    try:
        for name, port in zip("ab", ports, strict=True):
            logs.append(var_dir / f"app-{name}.log")
            args = ["run", "--host", "127.0.0.1", "--port", str(port), "--wc", "1"]
            processes.append(_spawn(args, env, logs[-1]))
        for n in (1, 2):
            logs.append(var_dir / f"worker-{n}.log")
            processes.append(_spawn(["workers", "run"], env, logs[-1]))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 90
        while not all(_get_or_none(f"{base}/_health/ready") == 200 for base in bases):
            died = [log for process, log in zip(processes, logs, strict=True) if process.poll() is not None]
            assert not died and time.monotonic() < deadline, "\n".join(log.read_text()[-3000:] for log in logs)
            time.sleep(0.3)
        yield Deployment(bases[0], bases[1], settings, var_dir, logs)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


async def _flush_redis(url: str) -> None:
    redis = Redis.from_url(url)
    await redis.flushdb()
    await redis.aclose()


def _csrf(client: httpx.Client, url: str) -> str:
    match = CSRF_RE.search(client.get(url).text)
    assert match, url
    return match.group(1)


def test_signed_in_on_one_instance_is_signed_in_on_the_other(deployment: Deployment) -> None:
    app = create_app(deployment.settings)
    asyncio.run(make_user(app, "roamer"))
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        token = _csrf(browser, f"{deployment.a}/accounts/login/")
        login = browser.post(
            f"{deployment.a}/accounts/login/",
            data={"login": "roamer", "password": "correct horse battery", "_csrf_token": token},
        )
        assert login.status_code == 302, login.text
        assert browser.get(f"{deployment.b}/accounts/email/").status_code == 200  # B knows the session
        # signing out on B ends it on A too
        browser.post(
            f"{deployment.b}/accounts/logout/", data={"_csrf_token": _csrf(browser, f"{deployment.b}/accounts/email/")}
        )
        assert browser.get(f"{deployment.a}/accounts/email/").status_code == 302


def test_a_job_enqueued_on_one_instance_runs_once(deployment: Deployment) -> None:
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        token = _csrf(browser, f"{deployment.b}/accounts/password/reset/")
        answer = browser.post(
            f"{deployment.b}/accounts/password/reset/",
            data={"email": "nobody-here@example.org", "_csrf_token": token},
        )
        assert answer.status_code == 302, answer.text
    settings = deployment.settings
    deadline = time.monotonic() + 20
    while not read_mails(settings, "nobody-here@example.org") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(2)  # time for a second worker to send it again, were the job taken twice
    assert len(read_mails(settings, "nobody-here@example.org")) == 1
    # and the web instances ran none of it: the workers' logs show who did
    worker_logs = "".join(log.read_text() for log in deployment.logs if log.name.startswith("worker-"))
    assert "send_mail" in worker_logs, worker_logs[-2000:]


def test_an_edit_on_one_instance_is_on_the_others_next_answer(deployment: Deployment) -> None:
    app = create_app(deployment.settings)
    asyncio.run(make_user(app, "editor", is_staff=True, is_superuser=True))

    async def ids() -> tuple[str, int]:
        async with app.state.db_config.get_session() as session:
            key = (
                await session.execute(
                    select(Token.key).join(User, User.id == Token.user_id).where(User.username == "editor")
                )
            ).scalar_one()
            os_id = (await session.execute(select(OS.id).where(OS.slug == "windows"))).scalar_one()
        await app.state.db_config.get_engine().dispose()
        return key, os_id

    with httpx.Client(timeout=10) as visitor:
        before = visitor.get(f"{deployment.b}/downloads/operating-systems/")
        assert before.status_code == 200 and "Windows" in before.text
        assert visitor.get(f"{deployment.b}/downloads/operating-systems/").text == before.text  # cached on B
        key, os_id = asyncio.run(ids())
        renamed = visitor.patch(
            f"{deployment.a}/api/v2/downloads/os/{os_id}/",
            json={"name": "Microsoft Windows"},
            headers={"Authorization": f"Token {key}"},
        )
        assert renamed.status_code == 200, renamed.text
        # B keeps its own copy too, checked against the shared version token at most every 0.25 s (the default
        # PYDOTORG_VERSION_CHECK_SECONDS): the edit is on B's answers within that
        deadline = time.monotonic() + 2.0
        after = visitor.get(f"{deployment.b}/downloads/operating-systems/")
        while "Microsoft Windows" not in after.text and time.monotonic() < deadline:
            time.sleep(0.05)
            after = visitor.get(f"{deployment.b}/downloads/operating-systems/")
        assert "Microsoft Windows" in after.text


async def _tick(ctx: dict[str, object]) -> None:
    redis = ctx["redis"]
    assert isinstance(redis, Redis)
    await redis.incr("multi:ticks")


def test_a_cron_schedule_runs_once_per_tick_with_two_workers() -> None:
    if not TEST_REDIS_URL:
        pytest.skip(NEEDS)
    settings = make_settings(Path("/nonexistent"), "sqlite")
    assert all(job.unique for job in periodic_jobs(settings, saq_tasks()))  # our schedules: one job key per schedule

    async def run() -> int:
        redis = Redis.from_url(TEST_REDIS_URL)
        await redis.flushdb()

        async def startup(ctx: dict[str, object]) -> None:
            ctx["redis"] = redis

        queues = [Queue.from_url(TEST_REDIS_URL, name="multi") for _ in range(2)]
        workers = [
            Worker(
                queue,
                functions=[],
                cron_jobs=[CronJob(_tick, cron="* * * * * *")],
                startup=startup,
                timers={"schedule": 1},
            )
            for queue in queues
        ]
        tasks = [asyncio.create_task(worker.start()) for worker in workers]
        await asyncio.sleep(4.5)
        for worker in workers:
            await worker.stop()
        await asyncio.gather(*tasks, return_exceptions=True)
        ticks = int(await redis.get("multi:ticks") or 0)
        await redis.flushdb()
        await redis.aclose()
        for queue in queues:
            await queue.disconnect()
        return ticks

    ticks = asyncio.run(run())
    # four or five seconds of an every-second schedule: about 4 runs with both workers up, not about 8
    assert 2 <= ticks <= 5, ticks
