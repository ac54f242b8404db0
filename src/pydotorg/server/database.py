"""The Advanced Alchemy configuration: engine, sessions and Alembic, from the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from pydotorg.settings import Settings
from pydotorg.web.changes import INFO_KEY, Changes

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "db" / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets several server processes read while one writes; foreign keys as on PostgreSQL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def build_sqlalchemy_config(settings: Settings, changes: Changes | None = None) -> SQLAlchemyAsyncConfig:
    """The engine and sessions; with ``changes``, every session releases its side effects there on commit (see
    ``web/changes.py``). Without it (migrations, maintenance) sessions record none."""
    import pydotorg.db.models  # noqa: F401  (register every model on the metadata)

    url = settings.sqlalchemy_url
    if settings.uses_sqlite:
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        engine_config = EngineConfig(echo=settings.db_echo, connect_args={"timeout": 30})
    elif not settings.db_pool:
        engine_config = EngineConfig(
            echo=settings.db_echo, poolclass=NullPool, connect_args={"timeout": settings.db_connect_timeout}
        )
    else:
        # Bounded waits: with PostgreSQL gone, a request fails within seconds with a 503 instead of hanging, and
        # pre-ping replaces connections the server dropped on restart before any request uses them.
        engine_config = EngineConfig(
            echo=settings.db_echo,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_size,
            pool_pre_ping=True,
            pool_timeout=settings.db_pool_timeout,  # type: ignore[arg-type]  # SQLAlchemy takes a float
            connect_args={"timeout": settings.db_connect_timeout},
        )
    config = SQLAlchemyAsyncConfig(
        connection_string=url,
        engine_config=engine_config,
        session_config=AsyncSessionConfig(
            expire_on_commit=False, info={INFO_KEY: changes} if changes is not None else None
        ),
        before_send_handler="autocommit_include_redirects",
        alembic_config=AlembicAsyncConfig(
            script_location=str(MIGRATIONS_DIR),
            version_table_name="alembic_version",
            render_as_batch=True,
            compare_type=True,
        ),
    )
    if settings.uses_sqlite:
        event.listen(config.get_engine().sync_engine, "connect", _sqlite_pragmas)
    return config
