"""Shared fixtures: real databases built by running the migrations, and the app on top of them.

Every integration test runs against SQLite; with ``TEST_DATABASE_URL`` (CI sets it) it runs against
PostgreSQL too. ``TEST_REDIS_URL`` enables the Redis store and SAQ worker tests.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from advanced_alchemy.alembic.commands import AlembicCommands
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from pydotorg.app import create_app
from pydotorg.db.fixtures.seed import seed
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DJANGO_FIXTURES = SHARED / "reference" / "django-fixtures"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or None

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


async def _reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def make_settings(var_dir: Path, backend: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "var_dir": var_dir,
        "env": "test",
        "database_url": None,
        "redis_url": None,
        "db_pool": False,
    }
    if backend == "postgres":
        values["database_url"] = TEST_DATABASE_URL
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def migrate(settings: Settings) -> None:
    """Build the schema the way operators do: by running the Alembic migrations."""
    config = build_sqlalchemy_config(settings)
    AlembicCommands(sqlalchemy_config=config).upgrade("head")
    asyncio.run(config.get_engine().dispose())


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set")
    return str(request.param)


@pytest.fixture(scope="session")
def seeded_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A migrated and seeded database per backend, shared by the session (tests clean up what they add)."""
    var_dir = tmp_path_factory.mktemp(f"var-{backend}")
    settings = make_settings(var_dir, backend)
    if backend == "postgres":
        asyncio.run(_reset_postgres(settings.sqlalchemy_url))
    migrate(settings)

    async def load() -> None:
        config = build_sqlalchemy_config(settings)
        await seed(config.get_session)
        await config.get_engine().dispose()

    asyncio.run(load())
    return settings


@pytest.fixture
def app(seeded_settings: Settings) -> Iterator[Litestar]:
    return create_app(seeded_settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client
    await app.state.db_config.get_engine().dispose()


@pytest.fixture
async def db_session(app: Litestar) -> AsyncIterator[object]:
    async with app.state.db_config.get_session() as session:
        yield session
