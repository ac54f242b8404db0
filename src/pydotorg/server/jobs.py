"""Background job wiring: SAQ (through litestar-saq) with Redis, the in-process runner otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from litestar_saq import CronJob, QueueConfig, SAQConfig, SAQPlugin
from litestar_saq.base import Worker
from saq.types import Context
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import pydotorg.lib.mail  # noqa: F401  (registers the send_mail job; the sections register theirs)
from pydotorg.db.models.outbox import OutboxJob
from pydotorg.lib.jobs import JobContext, SaqJobQueue, job, saq_tasks
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.server.sections import periodic_jobs as section_periodic_jobs
from pydotorg.server.stores import build_store_registry
from pydotorg.settings import Settings, get_settings
from pydotorg.web.changes import Changes

QUEUE_NAME = "default"
OUTBOX_JOB = "flush_job_outbox"
#: Periodic jobs run by the SAQ worker: job name -> the setting holding its cron schedule (from the sections).
PERIODIC_JOBS = {**section_periodic_jobs(), OUTBOX_JOB: "job_outbox_cron"}
#: Outbox rows moved onto the queue per run (the next run takes the rest).
OUTBOX_BATCH = 500


class DatabaseOutbox:
    """Keeps jobs in ``pydotorg_job_outbox`` while Redis is unreachable (``lib/jobs.py``), in its own transaction:
    the caller's own change is already committed when its jobs are enqueued."""

    def __init__(self, session_factory: Callable[[], AbstractAsyncContextManager[AsyncSession]]) -> None:
        self.session_factory = session_factory

    async def keep(self, name: str, kwargs: dict[str, Any], request_id: str) -> None:
        async with self.session_factory() as session:
            session.add(OutboxJob(name=name, kwargs=json.dumps(kwargs, default=str), request_id=request_id))
            await session.commit()


@job(OUTBOX_JOB)
async def flush_job_outbox(ctx: JobContext) -> str:
    """Move the jobs kept while Redis was unreachable onto the queue, oldest first (a job is queued, then its row
    deleted: a crash in between queues it twice rather than never)."""
    queue = ctx.jobs
    if not isinstance(queue, SaqJobQueue):
        return "no queue"
    moved = 0
    async with ctx.session_factory() as session:
        statement = select(OutboxJob).order_by(OutboxJob.id).limit(OUTBOX_BATCH)
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)  # two workers never take the same row
        for row in (await session.scalars(statement)).all():
            await queue.put(row.name, json.loads(row.kwargs), row.request_id)
            await session.delete(row)
            await session.flush()
            moved += 1
        await session.commit()
    return f"{moved} jobs queued from the outbox"


def periodic_jobs(settings: Settings, tasks: list[Any]) -> list[CronJob]:
    by_name = {task.__name__: task for task in tasks}
    return [CronJob(function=by_name[name], cron=getattr(settings, key)) for name, key in PERIODIC_JOBS.items()]


def job_context(
    settings: Settings, session_factory: Callable[[], AbstractAsyncContextManager[AsyncSession]], stores: Any
) -> JobContext:
    return JobContext(settings=settings, session_factory=session_factory, stores=stores)


async def _worker_startup(ctx: Context) -> None:
    """Runs in the worker process: its own engine, sessions and stores."""
    settings = get_settings()
    stores = build_store_registry(settings)
    # A job's own changes (an import, an expiry) release their side effects into this worker's queue.
    jobs = SaqJobQueue(ctx["worker"].queue, retries=settings.job_retries)
    changes = Changes(stores=stores, jobs=jobs)
    db_config = build_sqlalchemy_config(settings, changes)
    jobs.outbox = DatabaseOutbox(db_config.get_session)
    ctx["pydotorg_db"] = db_config  # type: ignore[typeddict-unknown-key]
    context = job_context(settings, db_config.get_session, stores)
    context.jobs = jobs
    ctx["pydotorg"] = context  # type: ignore[typeddict-unknown-key]
    # Jobs kept while Redis was unreachable go onto the queue as soon as a worker is up again.
    await flush_job_outbox(context)


async def _worker_shutdown(ctx: Context) -> None:
    db_config = ctx.get("pydotorg_db")
    if isinstance(db_config, SQLAlchemyAsyncConfig):
        await db_config.get_engine().dispose()


def drop_worker_hooks(app: Litestar) -> None:
    """A web process enqueues jobs; it runs no SAQ worker machinery.

    ``SAQPlugin.on_app_init`` hooks every queue's ``Worker.on_app_startup`` and ``on_app_shutdown`` into the app.
    With the worker in a separate process (``pydotorg workers run``) those start no worker, but they do start
    litestar-saq's ``HeartbeatManager``: a daemon thread running a second asyncio event loop, in every Granian web
    worker, beating for jobs that never run there (the separate worker process never starts one). Web workers
    crashed under load with it running (a segmentation fault inside SQLAlchemy's greenlet on the main loop while
    that thread held its own loop). The hooks are removed here, after the app is built: the plugin itself stays a
    plain ``SAQPlugin``, which litestar-saq's ``workers run`` looks up by that exact type.
    """
    app.on_startup[:] = [hook for hook in app.on_startup if not isinstance(getattr(hook, "__self__", None), Worker)]
    app.on_shutdown[:] = [hook for hook in app.on_shutdown if not isinstance(getattr(hook, "__self__", None), Worker)]


def build_saq_plugin(settings: Settings) -> SAQPlugin:
    assert settings.redis_url
    tasks = saq_tasks()
    return SAQPlugin(
        config=SAQConfig(
            use_server_lifespan=False,
            web_enabled=False,
            enable_otel=False,
            queue_configs=[
                QueueConfig(
                    name=QUEUE_NAME,
                    dsn=settings.redis_url,
                    tasks=tasks,
                    scheduled_tasks=periodic_jobs(settings, tasks),
                    concurrency=settings.worker_concurrency,
                    startup=_worker_startup,
                    shutdown=_worker_shutdown,
                    separate_process=True,
                )
            ],
        )
    )
