"""Background job wiring: SAQ (through litestar-saq) with Redis, the in-process runner otherwise."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from litestar_saq import CronJob, QueueConfig, SAQConfig, SAQPlugin
from litestar_saq.base import Worker
from saq.types import Context
from sqlalchemy.ext.asyncio import AsyncSession

import pydotorg.lib.mail  # noqa: F401  (registers the send_mail job; the sections register theirs)
from pydotorg.lib.jobs import JobContext, SaqJobQueue, saq_tasks
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.server.sections import periodic_jobs as section_periodic_jobs
from pydotorg.server.stores import build_store_registry
from pydotorg.settings import Settings, get_settings
from pydotorg.web.changes import Changes

QUEUE_NAME = "default"
#: Periodic jobs run by the SAQ worker: job name -> the setting holding its cron schedule (from the sections).
PERIODIC_JOBS = section_periodic_jobs()


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
    changes = Changes(stores=stores, jobs=SaqJobQueue(ctx["worker"].queue, retries=settings.job_retries))
    db_config = build_sqlalchemy_config(settings, changes)
    ctx["pydotorg_db"] = db_config  # type: ignore[typeddict-unknown-key]
    ctx["pydotorg"] = job_context(settings, db_config.get_session, stores)  # type: ignore[typeddict-unknown-key]


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
