"""What operators see: request ids, one log line per request, Prometheus metrics and (optionally) Sentry.

* Every request gets an id: the ``X-Request-ID`` the load balancer sent (``deploy/haproxy.cfg`` makes one) when
  it looks like an id, a new one otherwise. It is echoed in the response, attached to every log line, and travels
  with the jobs the request enqueues.
* With JSON logs (production) the app writes one line per request: method, path, status, duration, request id.
  Never the query string, cookies or headers: no session id or token reaches a log.
* ``/metrics`` serves Prometheus' text format: requests and latency by route template, database pool use, the
  job queue's depth and failures, and response-cache hits and misses. Granian runs several worker processes, so
  ``pydotorg run`` points ``PROMETHEUS_MULTIPROC_DIR`` at a folder they all write to (``pydotorg/__main__.py``)
  and a scrape of any worker sums them. It is for scrapers only: a bearer token (``PYDOTORG_METRICS_TOKEN``), or
  a loopback client outside production; the balancer refuses the path from outside as well.
* ``SENTRY_DSN`` turns on Sentry error reporting, when the ``sentry`` extra is installed.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time
import uuid
from datetime import timedelta
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.enums import ScopeType
from litestar.logging import LoggingConfig
from litestar.stores.base import Store
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

from pydotorg import __version__
from pydotorg.lib.logs import request_id
from pydotorg.settings import Settings
from pydotorg.web.cache import BYPASS

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("pydotorg.access")

REQUEST_ID_HEADER = b"x-request-id"
_VALID_ID = re.compile(rb"^[A-Za-z0-9._:-]{8,64}$")

disable_created_metrics()  # type: ignore[no-untyped-call]  # one series per counter, no "_created" twin
REQUESTS = Counter("pydotorg_http_requests", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "pydotorg_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
POOL = Gauge("pydotorg_db_pool_connections", "Database pool connections", ["state"], multiprocess_mode="livesum")
CACHE = Counter("pydotorg_response_cache_lookups", "Origin response cache lookups", ["result"])
#: How often (seconds) a worker refreshes its pool gauges: not on every request.
POOL_SAMPLE_SECONDS = 1.0


class RequestObserver:
    """ASGI middleware around the whole app: request id, access log line, request metrics."""

    def __init__(self, app: ASGIApp, settings: Settings, pool: Any = None) -> None:
        self.app = app
        self.json_logs = settings.json_logs
        self.pool = pool
        self._sampled = 0.0
        #: The metric series already looked up (``labels()`` costs more than the increment itself).
        self._counters: dict[tuple[str, str, int], Any] = {}
        self._timers: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        method = str(scope.get("method", "GET"))
        path = scope["path"]  # as asked (routing rewrites the scope's)
        incoming = next((value for name, value in scope["headers"] if name == REQUEST_ID_HEADER), b"")
        rid = incoming.decode() if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        status = 500

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("path_template") or "unmatched"
            counter = self._counters.get((method, route, status))
            if counter is None:
                counter = self._counters[method, route, status] = REQUESTS.labels(method, route, str(status))
            counter.inc()
            timer = self._timers.get(route)
            if timer is None:
                timer = self._timers[route] = LATENCY.labels(route)
            timer.observe(elapsed)
            self._sample_pool(started)
            if self.json_logs and access_logger.isEnabledFor(logging.INFO):
                access_logger.handle(access_record(method, path, status, elapsed, rid))
            request_id.reset(token)

    def _sample_pool(self, now: float) -> None:
        if self.pool is None or now - self._sampled < POOL_SAMPLE_SECONDS:
            return
        self._sampled = now
        checked_out = getattr(self.pool, "checkedout", None)
        if checked_out is None:
            return
        in_use = int(checked_out())
        POOL.labels("in_use").set(in_use)
        POOL.labels("idle").set(max(int(self.pool.checkedin()), 0))


def access_record(method: str, path: str, status: int, elapsed: float, rid: str) -> logging.LogRecord:
    """The access line's record, made directly: ``Logger.info`` would also look up the caller's frame, which the
    line does not show (on a cache hit that lookup cost more than the rest of the request)."""
    record = logging.LogRecord(access_logger.name, logging.INFO, __file__, 0, "request", None, None)
    record.method = method
    record.path = path
    record.status = status
    record.duration_ms = round(elapsed * 1000, 2)
    record.request_id = rid
    return record


class CountingStore(Store):
    """The response-cache store, counting hits and misses for the cache hit ratio."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if key.startswith(BYPASS):  # a personal request, or the cache is off: nothing to look up
            return None
        value = await self.inner.get(key, renew_for)
        CACHE.labels("hit" if value is not None else "miss").inc()
        return value

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        await self.inner.set(key, value, expires_in)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def delete_all(self) -> None:
        await self.inner.delete_all()

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(key)

    async def expires_in(self, key: str) -> int | None:
        return await self.inner.expires_in(key)


class QueueCollector(Collector):
    """The SAQ queue's depth and its workers' failure counts, read from Redis at scrape time."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info

    def collect(self) -> Any:
        depth = GaugeMetricFamily("pydotorg_job_queue_jobs", "Jobs in the queue", labels=["state"])
        for state in ("queued", "active", "scheduled"):
            depth.add_metric([state], float(self.info.get(state) or 0))
        yield depth
        totals = GaugeMetricFamily("pydotorg_job_worker_jobs", "Jobs finished by live workers", labels=["outcome"])
        workers = (self.info.get("workers") or {}).values()
        for outcome in ("complete", "failed", "retried", "aborted"):
            count = sum(int((worker.get("stats") or {}).get(outcome) or 0) for worker in workers)
            totals.add_metric([outcome], float(count))
        yield totals


def _loopback(request: Request[Any, Any, Any]) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def metrics_allowed(request: Request[Any, Any, Any], settings: Settings) -> bool:
    if settings.metrics_token:
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {settings.metrics_token}".encode())
    return not settings.is_production and _loopback(request)


class MetricsController(Controller):
    include_in_schema = False

    @get("/metrics", name="metrics", opt={"append_slash": False}, cache_control=None)
    async def metrics(self, request: Request[Any, Any, Any], settings: Settings) -> Response[Any]:
        if not metrics_allowed(request, settings):
            return Response(
                "Metrics are for the monitoring system: send its bearer token.\n",
                status_code=403,
                media_type=MediaType.TEXT,
                headers={"Cache-Control": "no-store"},
            )
        registry = CollectorRegistry()
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = REGISTRY
        jobs = request.app.state.jobs
        queue = getattr(jobs, "queue", None)
        extra = CollectorRegistry()
        if queue is not None:
            try:
                info = await queue.info()
            except Exception as exc:
                logger.warning("job queue info unavailable: %s", exc)
                info = {}
            extra.register(QueueCollector(dict(info)))
        else:  # embedded mode: this worker process's own in-process queue
            stats = {"complete": getattr(jobs, "completed", 0), "failed": getattr(jobs, "failed", 0)}
            extra.register(
                QueueCollector({"active": getattr(jobs, "pending", 0), "workers": {"in-process": {"stats": stats}}})
            )
        body = generate_latest(registry) + generate_latest(extra)
        return Response(
            body,
            media_type="text/plain; version=0.0.4; charset=utf-8",
            headers={"Cache-Control": "no-store", "X-Pydotorg-Version": __version__},
        )


def build_logging_config(settings: Settings) -> LoggingConfig:
    """Plain lines through Litestar's queue listener in development; JSON objects on standard output otherwise."""
    if not settings.json_logs:
        return LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            loggers={"pydotorg": {"level": "INFO", "propagate": True}},
            log_exceptions="never",
            disable_existing_loggers=False,
        )
    return LoggingConfig(
        filters={"request_id": {"()": "pydotorg.lib.logs.RequestIdFilter"}},
        formatters={"json": {"()": "pydotorg.lib.logs.JsonFormatter"}},
        handlers={
            "json": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        root={"level": "INFO", "handlers": ["json"]},
        loggers={"pydotorg": {"level": "INFO", "propagate": True}},
        log_exceptions="never",
        disable_existing_loggers=False,
    )


def init_sentry(settings: Settings) -> bool:
    """Start Sentry when ``SENTRY_DSN`` is set and the SDK is installed; whether it started."""
    if not settings.sentry_dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.litestar import LitestarIntegration
    except ImportError:
        logger.warning("SENTRY_DSN is set but sentry-sdk is not installed (pip install 'pydotorg[sentry]')")
        return False
    sentry_sdk.init(
        dsn=settings.sentry_dsn,
        environment=settings.env,
        release=f"pydotorg@{settings.release or __version__}",
        integrations=[LitestarIntegration()],
        send_default_pii=False,  # no cookies, no user addresses
        traces_sample_rate=0.0,
    )
    return True
