"""Shared fixtures: real databases built by running the migrations, and the app on top of them.

Every integration test runs against SQLite; with ``TEST_DATABASE_URL`` (CI sets it) it runs against
PostgreSQL too. ``TEST_REDIS_URL`` enables the Redis store and SAQ worker tests.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import re
import time
from collections.abc import AsyncIterator, Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from advanced_alchemy.alembic.commands import AlembicCommands
from anyio.from_thread import BlockingPortal, start_blocking_portal
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete as sa_delete
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from pydotorg.app import create_app
from pydotorg.fixtures.seed import seed
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.settings import Settings
from pydotorg.web.media import MediaStorage

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DJANGO_FIXTURES = SHARED / "reference" / "django-fixtures"
#: The pytest-xdist worker running this process ("gw0", "gw1", ...), or "" in a serial run.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def per_worker_database(url: str | None) -> str | None:
    """Each xdist worker gets a database of its own on the same server: ``<name>_gw0``, ``<name>_gw1``, ..."""
    if not url or not XDIST_WORKER:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{XDIST_WORKER}").render_as_string(hide_password=False)


def per_worker_redis(url: str | None) -> str | None:
    """Each xdist worker gets a Redis database number of its own (1, 2, ...; a serial run keeps the URL's)."""
    if not url or not XDIST_WORKER:
        return url
    return urlunsplit(urlsplit(url)._replace(path=f"/{int(XDIST_WORKER.removeprefix('gw')) + 1}"))


SERVER_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
TEST_DATABASE_URL = per_worker_database(SERVER_DATABASE_URL)
TEST_REDIS_URL = per_worker_redis(os.environ.get("TEST_REDIS_URL") or None)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


# -- one portal thread for the test clients of the process ----------------------------------------------------------
# Litestar's test clients run the app in an anyio "blocking portal": a thread with its own event loop, started for
# each client and ended with it. The app's database work runs on greenlets (SQLAlchemy's asyncio bridge), so every
# such thread leaves greenlet state behind when it ends, which greenlet destroys later from the main thread. Over
# thousands of clients that clean-up eventually spun forever (seen in CI: a worker stuck in greenlet's ThreadState
# destruction, holding the GIL, so no timeout could fire). Clients now run in one portal thread that lives as long
# as the test process, so no thread carrying greenlets ends mid-run. A client opened while another is open (a
# second browser of the same app) keeps a portal of its own: two lifespans of one app must not share a loop.
_SHARED_PORTAL: dict[str, Any] = {}


def _shared_portal() -> BlockingPortal:
    portal: BlockingPortal | None = _SHARED_PORTAL.get("portal")
    if portal is None or portal._event_loop_thread_id is None:  # never started, or stopped by a failed lifespan
        manager = start_blocking_portal(backend="asyncio")
        _SHARED_PORTAL["manager"] = manager
        _SHARED_PORTAL["portal"] = portal = manager.__enter__()
    return portal


_original_aenter = AsyncTestClient.__aenter__
_original_aexit = AsyncTestClient.__aexit__


async def _aenter(self: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    if _SHARED_PORTAL.get("user") is None:
        _SHARED_PORTAL["user"] = self
        self.blocking_portal = _shared_portal()
    return await _original_aenter(self)


async def _aexit(self: AsyncTestClient[Any], *args: Any) -> None:
    try:
        await _original_aexit(self, *args)
    finally:
        if _SHARED_PORTAL.get("user") is self:
            _SHARED_PORTAL["user"] = None


AsyncTestClient.__aenter__ = _aenter  # type: ignore[method-assign]
AsyncTestClient.__aexit__ = _aexit  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    manager = _SHARED_PORTAL.pop("manager", None)
    if manager is not None:
        _SHARED_PORTAL.clear()
        manager.__exit__(None, None, None)


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
        # The suite logs in far more often than a person; the rate-limit test sets its own figure.
        "auth_rate_limit": 10_000,
        "mail_rate_limit": 10_000,
        # Tests change data and read it back at once; the response-cache test turns the cache on.
        "response_cache_seconds": 0,
        "fragment_cache_seconds": 0,  # tests that want it (test_fragments.py) turn it on
        "gc_freeze": False,  # the session's app starts many times; test_heap.py checks the freeze
        # The test clients' host; mail links, feeds and calendars are built from the site URL.
        "site_url": "http://testserver.local",
        "allowed_hosts": ["testserver.local", "testserver"],
    }
    if backend == "postgres":
        values["database_url"] = TEST_DATABASE_URL
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def migrate_and_seed(settings: Settings) -> None:
    """A database as ``make run`` leaves it: the migrations, then the demo content."""
    migrate(settings)

    async def load() -> None:
        config = build_sqlalchemy_config(settings)
        await seed(config.get_session, media=MediaStorage.from_settings(settings))
        await config.get_engine().dispose()

    asyncio.run(load())


def migrate(settings: Settings) -> None:
    """Build the schema the way operators do: by running the Alembic migrations."""
    config = build_sqlalchemy_config(settings)
    AlembicCommands(sqlalchemy_config=config).upgrade("head")
    asyncio.run(config.get_engine().dispose())


async def _create_database(url: str) -> None:
    """Create ``url``'s database on ``TEST_DATABASE_URL``'s server when it does not exist yet (a worker's own, or
    an isolated test's)."""
    assert SERVER_DATABASE_URL
    name = make_url(url).database
    engine = create_async_engine(SERVER_DATABASE_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
        if not exists:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres":
        if not TEST_DATABASE_URL:
            pytest.skip("TEST_DATABASE_URL is not set (CI sets it; see the README's Tests section)")
        if TEST_DATABASE_URL != SERVER_DATABASE_URL:
            asyncio.run(_create_database(TEST_DATABASE_URL))
    return str(request.param)


@pytest.fixture(scope="session")
def seeded_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A migrated and seeded database per backend, shared by the session (tests clean up what they add)."""
    var_dir = tmp_path_factory.mktemp(f"var-{backend}")
    settings = make_settings(var_dir, backend)
    if backend == "postgres":
        asyncio.run(_reset_postgres(settings.sqlalchemy_url))
    migrate_and_seed(settings)
    return settings


@pytest.fixture
def isolated_settings(backend: str, tmp_path: Path) -> Callable[..., Settings]:
    """Settings for a database of the test's own, migrated and seeded (``<worker db>_isolated`` on PostgreSQL):
    for tests whose writes change or delete seeded rows that the other tests of this worker must still find."""

    def build(**overrides: object) -> Settings:
        return _isolated(backend, tmp_path, overrides)

    return build


def _isolated(backend: str, tmp_path: Path, overrides: dict[str, object]) -> Settings:
    if backend == "postgres":
        assert TEST_DATABASE_URL
        url = make_url(TEST_DATABASE_URL)
        isolated_url = url.set(database=f"{url.database}_isolated").render_as_string(hide_password=False)
        asyncio.run(_create_database(isolated_url))
        asyncio.run(_reset_postgres(isolated_url))
        overrides["database_url"] = isolated_url
    settings = make_settings(tmp_path, backend, **overrides)
    migrate_and_seed(settings)
    return settings


@pytest.fixture(scope="session")
def app(seeded_settings: Settings) -> Litestar:
    """One app per backend for the whole session (building it is the costliest step of a test); each test's
    client runs its lifespan. A test that needs other settings builds its own from ``seeded_settings``."""
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


# -- accounts helpers ---------------------------------------------------------------------------------------------
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
HONEYPOT = {"email_body_text": "write your message"}


async def csrf_token(client: AsyncTestClient[Litestar], url: str) -> str:
    """GET a form page and return the CSRF token it carries (the client keeps the matching cookie)."""
    response = await client.get(url)
    match = CSRF_RE.search(response.text)
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


async def post_form(
    client: AsyncTestClient[Litestar], url: str, data: dict[str, Any], *, form_url: str | None = None
) -> Any:
    token = await csrf_token(client, form_url or url)
    return await client.post(url, data={**data, "_csrf_token": token}, follow_redirects=False)


def read_mails(settings: Settings, to: str) -> list[EmailMessage]:
    folder = settings.mail_path
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if to.lower() in str(message["To"]).lower():
            found.append(message)
    return found  # type: ignore[return-value]


async def wait_for_mail(settings: Settings, to: str, count: int = 1, wait: float = 10.0) -> list[EmailMessage]:
    """Mail is sent by a background job: wait (bounded) until ``count`` messages to ``to`` are in the store."""
    deadline = time.monotonic() + wait
    while True:
        mails = read_mails(settings, to)
        if len(mails) >= count or time.monotonic() > deadline:
            return mails
        await asyncio.sleep(0.05)


async def make_user(
    app: Litestar,
    username: str,
    password: str = "correct horse battery",
    *,
    email_address: str | None = None,
    verified: bool = True,
    is_staff: bool = False,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> int:
    from pydotorg.domain.users.services import create_user

    async with app.state.db_config.get_session() as session:
        user = await create_user(
            session,
            username=username,
            email=email_address or f"{username}@example.org",
            password=password,
            verified=verified,
            is_staff=is_staff,
            is_superuser=is_superuser,
            password_hash=password_hash,
        )
        await session.commit()
        return user.id


async def grant(app: Litestar, username: str, *, groups: tuple[str, ...] = (), perms: tuple[str, ...] = ()) -> None:
    """Put a user in groups and give them ``app_label.codename`` permissions (the rows are created as the
    ``seed`` command creates them)."""
    from sqlalchemy import select

    from pydotorg.db.models import Group, Permission, User
    from pydotorg.domain.users.cli import ensure_auth_data

    async with app.state.db_config.get_session() as session:
        await ensure_auth_data(session)
        query = select(User).where(User.username == username).execution_options(populate_existing=True)
        user = (await session.execute(query)).scalar_one()
        for name in groups:
            user.groups.append((await session.execute(select(Group).where(Group.name == name))).scalar_one())
        for perm in perms:
            label, codename = perm.split(".", 1)
            row = await session.execute(
                select(Permission).where(Permission.app_label == label, Permission.codename == codename)
            )
            user.user_permissions.append(row.scalar_one())
        await session.commit()


async def delete_user(app: Litestar, username: str) -> None:
    from pydotorg.db.models import User

    async with app.state.db_config.get_session() as session:
        await session.execute(sa_delete(User).where(User.username == username))
        await session.commit()


async def log_in(client: AsyncTestClient[Litestar], login: str, password: str = "correct horse battery") -> Any:
    response = await post_form(client, "/accounts/login/", {"login": login, "password": password})
    assert response.status_code == 302, response.text
    return response
