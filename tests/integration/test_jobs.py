"""Background jobs: the in-process runner, and SAQ on a real Redis with a real worker process."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from pydotorg.db.models import Box
from pydotorg.lib.jobs import InProcessQueue, SaqJobQueue
from pydotorg.server.database import build_sqlalchemy_config
from tests.conftest import TEST_REDIS_URL, make_settings, migrate

pytestmark = pytest.mark.usefixtures("backend")


async def _corrupt_rendering(app: Litestar, label: str) -> None:
    """Simulate a renderer change: the stored HTML no longer matches what the pipeline produces."""
    async with app.state.db_config.get_session() as session:
        await session.execute(update(Box).where(Box.label == label).values(content_rendered="<p>stale</p>"))
        await session.commit()


async def _rendered(app: Litestar, label: str) -> str:
    async with app.state.db_config.get_session() as session:
        return str(await session.scalar(select(Box.content_rendered).where(Box.label == label)))


async def test_rerender_markup_in_process(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    await _corrupt_rendering(app, "homepage-jobs")
    queue = app.state.jobs
    assert isinstance(queue, InProcessQueue)
    await queue.enqueue("rerender_markup")
    await queue.drain()
    # the job ran once; its commits queued CDN purges (purge_cdn), which ran too
    assert queue.done["rerender_markup"] == 1 and queue.failed == 0
    assert "Visit the Python Job Board" in await _rendered(app, "homepage-jobs")
    # the page shows the re-rendered box: the job invalidated the site content snapshot
    assert "Visit the Python Job Board" in (await client.get("/")).text


async def test_in_process_failures_are_retried_then_logged(
    client: AsyncTestClient[Litestar], app: Litestar, caplog: pytest.LogCaptureFixture
) -> None:
    from pydotorg.lib import jobs

    calls: list[int] = []

    async def flaky(ctx: Any, **kwargs: Any) -> str:
        calls.append(1)
        raise RuntimeError("SMTP server said no")

    jobs.REGISTRY["test_flaky"] = flaky
    try:
        queue = InProcessQueue(app.state.jobs.ctx, retries=3, backoff=0)
        await queue.enqueue("test_flaky", to="someone@example.org")
        await queue.drain()
    finally:
        del jobs.REGISTRY["test_flaky"]
    assert len(calls) == 3
    assert queue.failed == 1
    assert "gave up after 3 attempts" in caplog.text
    assert "someone@example.org" in caplog.text


async def test_unknown_job_fails_in_the_caller(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    from pydotorg.lib.jobs import UnknownJobError

    with pytest.raises(UnknownJobError):
        await app.state.jobs.enqueue("no_such_job")


@pytest.mark.redis
@pytest.mark.skipif(not TEST_REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_rerender_markup_through_saq_and_a_worker_process(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from pydotorg.app import create_app
    from pydotorg.fixtures.seed import seed

    var_dir = tmp_path_factory.mktemp(f"saq-{backend}")
    settings = make_settings(var_dir, backend, redis_url=TEST_REDIS_URL)
    if backend == "sqlite":
        await asyncio.to_thread(migrate, settings)
    app = create_app(settings)
    # The test's own set-up and checks use sessions of their own (no Changes): the app's Redis clients belong to
    # the loop the test client runs the app on, and must not be used from the test's loop.
    config = build_sqlalchemy_config(settings)
    await seed(config.get_session)
    env = {
        **os.environ,
        "PYDOTORG_VAR_DIR": str(var_dir),
        "PYDOTORG_ENV": "test",
        "PYDOTORG_DB_POOL": "false",
        "REDIS_URL": str(TEST_REDIS_URL),
        "DATABASE_URL": settings.database_url or "",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "pydotorg", "workers", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        async with AsyncTestClient(app=app) as client:
            assert isinstance(app.state.jobs, SaqJobQueue)
            await _corrupt_rendering(app, "homepage-jobs")
            await app.state.jobs.enqueue("rerender_markup")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if "Visit the Python Job Board" in await _rendered(app, "homepage-jobs"):
                    break
                await asyncio.sleep(0.5)
            else:
                worker.terminate()
                output = worker.communicate(timeout=10)[0].decode(errors="replace")
                pytest.fail(f"the worker did not run the job in 60 s:\n{output[-4000:]}")
            # the Redis-backed site content version was bumped by the worker: pages show the new HTML
            assert "Visit the Python Job Board" in (await client.get("/")).text
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        await config.get_engine().dispose()
        await app.state.db_config.get_engine().dispose()
