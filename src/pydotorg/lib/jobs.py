"""One interface for background jobs, two runners.

Jobs are plain ``async def job(ctx: JobContext, **kwargs)`` functions registered with :func:`job`. Code that
wants one run calls ``await queue.enqueue("name", **kwargs)`` on the app's :class:`JobQueue`:

* :class:`InProcessQueue` (embedded mode) runs it on the server's event loop, after the caller returns, with
  retries; failures are logged with their traceback, never lost silently;
* :class:`SaqJobQueue` (Redis configured) puts it on the SAQ queue that ``pydotorg workers run`` serves. When
  Redis is unreachable the job goes to an :class:`Outbox` (a database table, ``server/jobs.py``) that the worker
  empties onto the queue once Redis is back; without an outbox the caller gets :class:`JobQueueUnavailableError`.
  Either way a job is never dropped silently.

A job runs with the request id of the request that enqueued it (``lib/logs.py``), so its log lines can be joined
to that request's.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from litestar.stores.registry import StoreRegistry
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.lib.logs import request_id
from pydotorg.settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class JobContext:
    settings: Settings
    session_factory: Callable[[], AbstractAsyncContextManager[AsyncSession]]
    stores: StoreRegistry
    #: The queue this context's jobs enqueue follow-up jobs on (the worker's own).
    jobs: JobQueue | None = None


class CoreJob(StrEnum):
    """The jobs every section uses. Sections name theirs with their own ``StrEnum`` (``DownloadsJob``, ...)."""

    SEND_MAIL = "send_mail"
    PURGE_CDN = "purge_cdn"


JobFunction = Callable[..., Awaitable[Any]]
REGISTRY: dict[str, JobFunction] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``fn`` as the background job ``name``."""

    def register(fn: JobFunction) -> JobFunction:
        if name in REGISTRY and REGISTRY[name] is not fn:
            raise ValueError(f"job {name!r} is registered twice")
        REGISTRY[name] = fn
        return fn

    return register


class UnknownJobError(LookupError):
    pass


def get_job(name: str) -> JobFunction:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownJobError(f"no background job named {name!r}") from None


@runtime_checkable
class JobQueue(Protocol):
    async def enqueue(self, name: str, **kwargs: Any) -> None: ...

    async def drain(self) -> None:
        """Wait for the jobs this process runs itself (a command exits only once they are done)."""


class InProcessQueue:
    """Runs jobs as tasks of the current event loop; :meth:`drain` waits for them (used at shutdown)."""

    def __init__(self, ctx: JobContext, *, retries: int = 3, backoff: float = 0.5) -> None:
        self.ctx = ctx
        self.retries = max(retries, 1)
        self.backoff = backoff
        self._tasks: set[asyncio.Task[Any]] = set()
        self.completed: int = 0
        self.failed: int = 0
        #: Completed runs by job name.
        self.done: Counter[str] = Counter()

    @property
    def pending(self) -> int:
        """Jobs started and not finished yet."""
        return len(self._tasks)

    async def enqueue(self, name: str, **kwargs: Any) -> None:
        fn = get_job(name)
        task = asyncio.get_running_loop().create_task(self._run(name, fn, kwargs), name=f"job:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, name: str, fn: JobFunction, kwargs: dict[str, Any]) -> Any:
        for attempt in range(1, self.retries + 1):
            try:
                result = await fn(self.ctx, **kwargs)
            except Exception:
                logger.exception("job %s failed (attempt %d of %d)", name, attempt, self.retries)
                if attempt < self.retries:
                    await asyncio.sleep(self.backoff * attempt)
            else:
                self.completed += 1
                self.done[name] += 1
                logger.info("job %s done: %s", name, result)
                return result
        self.failed += 1
        logger.error("job %s gave up after %d attempts; arguments: %r", name, self.retries, kwargs)
        return None

    async def drain(self) -> None:
        """Wait for the jobs running on this event loop (a server has one; a test may run the app on another)."""
        loop = asyncio.get_running_loop()
        while mine := [task for task in self._tasks if task.get_loop() is loop]:
            await asyncio.gather(*mine, return_exceptions=True)


class JobQueueUnavailableError(RuntimeError):
    """The queue could not take a job and nothing else kept it: the caller must know."""


class Outbox(Protocol):
    async def keep(self, name: str, kwargs: dict[str, Any], request_id: str) -> None:
        """Store the job durably until the queue takes it again."""


class SaqJobQueue:
    """Enqueues on a SAQ queue (Redis); a worker process runs the job."""

    def __init__(self, queue: Any, *, retries: int = 3, outbox: Outbox | None = None) -> None:
        self.queue = queue
        self.retries = retries
        self.outbox = outbox

    async def enqueue(self, name: str, **kwargs: Any) -> None:
        get_job(name)  # fail early, in the caller, for a name no worker knows
        rid = request_id.get()
        try:
            await self.put(name, kwargs, rid)
        except (RedisError, OSError) as exc:
            if self.outbox is None:
                raise JobQueueUnavailableError(f"job {name!r} could not be queued: {exc}") from exc
            await self.outbox.keep(name, kwargs, rid)
            logger.warning("job queue unreachable (%s): %s kept in the outbox", exc, name)

    async def put(self, name: str, kwargs: dict[str, Any], rid: str = "") -> None:
        """Queue the job now (no outbox): Redis errors reach the caller."""
        await self.queue.enqueue(name, retries=self.retries, meta={"request_id": rid} if rid else {}, **kwargs)

    async def drain(self) -> None:
        """Nothing to wait for: the SAQ worker runs the jobs."""


def saq_tasks() -> list[Callable[..., Awaitable[Any]]]:
    """The registered jobs as SAQ task functions (SAQ finds them by ``__qualname__``; they get SAQ's ctx)."""

    def adapt(name: str, fn: JobFunction) -> Callable[..., Awaitable[Any]]:
        async def task(ctx: dict[str, Any], **kwargs: Any) -> Any:
            job_ = ctx.get("job")
            token = request_id.set(str((getattr(job_, "meta", None) or {}).get("request_id", "")))
            try:
                return await fn(ctx["pydotorg"], **kwargs)
            finally:
                request_id.reset(token)

        task.__name__ = task.__qualname__ = name
        return task

    return [adapt(name, fn) for name, fn in sorted(REGISTRY.items())]
