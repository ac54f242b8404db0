"""Readiness and graceful shutdown: what a load balancer or an orchestrator asks an instance.

``/_health`` (kept from Django, ``domain/pages``) is liveness: the process answers. ``/_health/ready`` says whether
this instance should receive traffic, as JSON with one entry per check:

* ``instance``: not shutting down, and the database's schema is one this code can run on (at our migration head,
  or a newer one from a release deployed after ours — the expand/contract rule keeps that compatible, which is
  what lets a rollback run; see ``docs/operations/migrations.md``). A schema *behind* our head means migrations
  have not run: not ready;
* ``database`` and ``redis``: reachable now.

It answers 200 when every check passes and 503 otherwise. ``?scope=instance`` limits the status to the instance
check: that is what the load balancer asks (``deploy/haproxy.cfg``), because taking every instance out when the
shared database or Redis is down would turn a partial outage (cached pages, the APIs still answer) into a full one.

Graceful shutdown: ``pydotorg run`` is supervised by litestar-granian, which forwards SIGTERM to Granian. We put a
step in front of it (:func:`install_drain_on_sigterm`): on SIGTERM the supervisor first creates a *drain file*, so
every worker's readiness turns 503 while it still serves, waits ``shutdown_drain_seconds`` for the balancer to
notice, and only then forwards the signal; Granian then stops accepting, finishes the requests in flight (bounded
by ``--workers-kill-timeout``) and exits. Ctrl-C (SIGINT) stops at once, as before.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from litestar import Controller, MediaType, Request, Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text

from pydotorg import __version__
from pydotorg.lib.stores import store_available
from pydotorg.server.database import MIGRATIONS_DIR
from pydotorg.settings import Settings, get_settings

logger = logging.getLogger(__name__)

#: The environment variable naming this server's drain file (set by the supervisor, read by its workers).
DRAIN_FILE_ENV = "PYDOTORG_DRAIN_FILE"
#: Seconds each dependency check may take before it counts as failed.
CHECK_TIMEOUT = 2.0


def draining() -> bool:
    path = os.environ.get(DRAIN_FILE_ENV)
    return bool(path) and Path(path).exists()  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def migration_revisions() -> tuple[frozenset[str], frozenset[str]]:
    """(our heads, every revision we know), read once from the migration scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    scripts = ScriptDirectory.from_config(config)
    known = frozenset(rev.revision for rev in scripts.walk_revisions())
    return frozenset(scripts.get_heads()), known


def schema_state(applied: set[str]) -> str:
    """``current``, ``ahead`` (a later release's migrations, compatible by the expand/contract rule), ``behind``
    (ours have not run) or ``empty`` (no schema)."""
    heads, known = migration_revisions()
    if not applied:
        return "empty"
    if applied == set(heads):
        return "current"
    if applied - known:
        return "ahead"
    return "behind"


async def _database(request: Request[Any, Any, Any]) -> tuple[bool, str]:
    engine = request.app.state.db_config.get_engine()

    async def probe() -> set[str]:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return {str(row[0]) for row in rows}

    try:
        applied = await asyncio.wait_for(probe(), CHECK_TIMEOUT)
    except Exception as exc:
        return False, f"unreachable: {type(exc).__name__}"
    return True, schema_state(applied)


async def _redis(request: Request[Any, Any, Any], settings: Settings) -> tuple[bool, str]:
    if not settings.uses_redis:
        return True, "not used"
    try:
        ok = await asyncio.wait_for(store_available(request.app.stores.get("sessions")), CHECK_TIMEOUT)
    except TimeoutError:
        ok = False
    return ok, "ok" if ok else "unreachable"


class HealthController(Controller):
    include_in_schema = False

    @get("/_health/ready", name="health_ready", opt={"append_slash": False}, cache_control=None)
    async def ready(self, request: Request[Any, Any, Any], settings: Settings) -> Response[Any]:
        database_ok, schema = await _database(request)
        redis_ok, redis = await _redis(request, settings)
        if draining():
            instance = "draining"
        elif database_ok and schema in {"behind", "empty"}:
            instance = f"schema {schema}: run `pydotorg database upgrade`"
        else:
            instance = "ok"
        checks = {"instance": instance, "database": schema if database_ok else "unreachable", "redis": redis}
        instance_ok = instance == "ok"
        healthy = instance_ok and database_ok and redis_ok
        passed = instance_ok if request.query_params.get("scope") == "instance" else healthy
        body = {
            "status": "ready" if passed else "not ready",
            "release": settings.release or __version__,
            "checks": checks,
        }
        return Response(
            body,
            status_code=HTTP_200_OK if passed else HTTP_503_SERVICE_UNAVAILABLE,
            media_type=MediaType.JSON,
            headers={"Cache-Control": "no-store"},
        )


# -- graceful shutdown -----------------------------------------------------------------------------------------------
def install_drain_on_sigterm() -> None:
    """Make litestar-granian's supervisor drain before it stops Granian (see the module docstring).

    litestar-granian has no hook for this, so its supervisor class is replaced by a subclass whose ``forward``
    waits on the first SIGTERM; ``tests/integration/test_operations.py`` checks it still runs.
    """
    import litestar_granian.cli as granian_cli
    from litestar_granian.supervisor import _GranianSupervisor

    if getattr(granian_cli, "_GranianSupervisor", None) is not _GranianSupervisor:
        return  # already ours

    class DrainingSupervisor(_GranianSupervisor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            handle, name = tempfile.mkstemp(prefix="pydotorg-drain-", suffix=".flag")
            os.close(handle)
            Path(name).unlink()
            self.drain_file = Path(name)
            self.environment = {**self.environment, DRAIN_FILE_ENV: name}
            self.drained = False

        def forward(self, signum: int) -> None:
            if signum == signal.SIGTERM and not self.drained and self._process is not None:
                self.drained = True
                seconds = get_settings().shutdown_drain_seconds
                self.drain_file.touch()
                logger.warning("SIGTERM: reporting not ready for %.1f s before stopping", seconds)
                time.sleep(seconds)
            super().forward(signum)

        def run(self) -> int:
            try:
                return super().run()
            finally:
                self.drain_file.unlink(missing_ok=True)

    setattr(granian_cli, "_GranianSupervisor", DrainingSupervisor)  # noqa: B010 - a private name, on purpose
