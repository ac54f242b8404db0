"""``pydotorg import-django`` against the real sample database made by python.org's Django code.

The dump (``../shared/reference/django-db/``) is restored into the test PostgreSQL server as the "Django
production" database; it is imported into a fresh SQLite and a fresh PostgreSQL database of ours, and the
sample's users, credentials and pages are then used through our own site.
"""

from __future__ import annotations

import asyncio
import datetime
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import click
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from pydotorg.app import create_app
from pydotorg.db.models import OS, ImportRun, Job, Page, ReleaseFile, User
from pydotorg.domain.users.services import create_user
from pydotorg.fixtures.seed import seed
from pydotorg.lib.passwords import verify_password
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.server.django_export import DjangoExporter
from pydotorg.server.django_import import DjangoImporter, ImportProblem, ImportReport, Options
from pydotorg.server.sections import SECTIONS
from pydotorg.settings import Settings
from tests.conftest import SERVER_DATABASE_URL, SHARED, TEST_DATABASE_URL, log_in, make_settings, migrate
from tests.factories import build_release

DUMP = SHARED / "reference" / "django-db" / "pythondotorg-sample.sql.gz"
MAPPINGS = [mapping for section in SECTIONS for mapping in section.django_tables]
TARGETS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _requirements() -> None:
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the Django source needs a PostgreSQL server (CI sets it)")
    if not DUMP.exists():
        pytest.skip(f"{DUMP} is absent (it lives in ../shared, beside the repository, in CI)")
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed (it restores the Django dump; CI installs postgresql-client)")


def _url(suffix: str, *, driver: str = "postgresql+asyncpg") -> str:
    assert TEST_DATABASE_URL
    url = make_url(TEST_DATABASE_URL)
    return url.set(drivername=driver, database=f"{url.database}_{suffix}").render_as_string(hide_password=False)


async def _recreate(name: str, template: str | None = None) -> None:
    assert SERVER_DATABASE_URL
    engine = create_async_engine(SERVER_DATABASE_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    await engine.dispose()


def _restore(url: str) -> None:
    with subprocess.Popen(["gunzip", "-c", str(DUMP)], stdout=subprocess.PIPE) as gunzip:
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url],
            stdin=gunzip.stdout,
            check=True,
            capture_output=True,
            timeout=300,
        )


async def run_import(settings: Settings, source: str, **options: Any) -> ImportReport:
    config = build_sqlalchemy_config(settings)
    hook = options.pop("progress", None)
    try:
        importer = DjangoImporter(
            source,
            config.get_engine(),
            settings=settings,
            mappings=MAPPINGS,
            options=Options(**options),
            progress=hook,
        )
        return await importer.run()
    finally:
        await config.get_engine().dispose()


async def _source_ids(source: str, table: str, key: str = "id") -> set[Any]:
    conn = await asyncpg.connect(source)
    try:
        return {row[0] for row in await conn.fetch(f'SELECT "{key}" FROM "{table}"')}
    finally:
        await conn.close()


async def _source_execute(source: str, *statements: str) -> None:
    conn = await asyncpg.connect(source)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def django_source() -> str:
    """The sample dump restored once per module: the read-only "Django production" database."""
    _requirements()
    name = make_url(_url("django")).database
    assert name
    asyncio.run(_recreate(name))
    _restore(_url("django", driver="postgresql"))
    return _url("django", driver="postgresql")


def _target_settings(tmp: Path, backend: str, suffix: str, **overrides: Any) -> Settings:
    if backend == "postgres":
        asyncio.run(_recreate(make_url(_url(suffix)).database or ""))
        overrides["database_url"] = _url(suffix)
    settings = make_settings(tmp, backend, **overrides)
    migrate(settings)
    return settings


@dataclass
class Imported:
    backend: str
    settings: Settings
    report: ImportReport


@pytest.fixture(scope="module", params=TARGETS)
def imported(request: pytest.FixtureRequest, django_source: str, tmp_path_factory: pytest.TempPathFactory) -> Imported:
    settings = _target_settings(tmp_path_factory.mktemp(f"import-{request.param}"), request.param, "imported")
    report = asyncio.run(run_import(settings, django_source))
    return Imported(request.param, settings, report)


@pytest.fixture
async def site(imported: Imported) -> AsyncIterator[tuple[Litestar, AsyncTestClient[Litestar]]]:
    app = create_app(imported.settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        yield app, client
    await app.state.db_config.get_engine().dispose()


# -- the whole sample -----------------------------------------------------------------------------------------------
async def test_every_mapped_table_arrives_with_its_ids(imported: Imported, django_source: str) -> None:
    report = imported.report
    assert report.ok, report.to_json()
    config = build_sqlalchemy_config(imported.settings)
    try:
        async with config.get_engine().connect() as conn:
            for mapping in MAPPINGS:
                ours = set((await conn.execute(select(mapping.target.c.id))).scalars())
                assert ours == await _source_ids(django_source, mapping.source, mapping.source_key), mapping.name
    finally:
        await config.get_engine().dispose()
    by_target = {t.target: t for t in report.tables}
    assert by_target["downloads_releasefile"].inserted == 3016
    assert by_target["users_user"].source_checksum == by_target["users_user"].target_checksum
    assert all(t.orphans == 0 and not t.skipped for t in report.tables)
    # files the rows name (sponsor logos, provided assets) are listed, not copied, without --media-root
    assert "sponsor_web_logos/bg_wMANY2Y.jpg" in report.media_not_copied and not report.media_missing
    reasons = {name: reason for name, _, reason in report.not_imported}
    # the sponsorship tables, polymorphic parents and their kinds included, arrive with their ids
    assert by_target["sponsors_benefitfeatureconfiguration"].inserted == 78
    assert by_target["sponsors_tieredbenefitconfiguration"].inserted == 46
    assert "sponsors_sponsor" not in reasons and "nominations_election" not in reasons
    assert reasons["django_session"].startswith("sessions are signed")
    # every table of the dump is accounted for: imported or listed with a reason
    assert set(reasons) | {m.source for m in MAPPINGS} == set(await _all_source_tables(django_source))
    assert report.seconds < 120  # the benchmark figure is in the report; this only catches a runaway


async def _all_source_tables(source: str) -> list[str]:
    conn = await asyncpg.connect(source)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [row[0] for row in rows]
    finally:
        await conn.close()


async def test_a_second_run_changes_nothing(imported: Imported, django_source: str) -> None:
    again = await run_import(imported.settings, django_source)
    assert again.ok and again.changed == 0
    assert sum(t.unchanged for t in again.tables) == sum(t.source_rows for t in again.tables)


async def test_sample_users_sign_in_with_their_django_passwords(
    imported: Imported, site: tuple[Litestar, AsyncTestClient[Litestar]], django_source: str
) -> None:
    app, client = site
    conn = await asyncpg.connect(django_source)
    try:
        django_hashes = {row["username"]: row["password"] for row in await conn.fetch("SELECT * FROM users_user")}
    finally:
        await conn.close()
    async with app.state.db_config.get_session() as session:
        ours = {u.username: u.password for u in (await session.execute(select(User))).scalars()}
    assert ours == django_hashes  # untouched: every user keeps the old password
    # Every hash is in a format our verifier reads; a sample is checked directly (each check costs 0.35 s of
    # PBKDF2 here: all 303 would add two minutes to CI for the same code path).
    assert {h.split("$", 1)[0] for h in django_hashes.values()} == {"pbkdf2_sha256"}
    if imported.backend == "sqlite":
        sample = sorted(django_hashes.values())[::30]
        with ThreadPoolExecutor(max_workers=2) as pool:  # PBKDF2 releases the GIL
            assert all(pool.map(lambda h: verify_password("password", h), sample))
    # Through the real login form: the admin, the other verified user, and users without a verified address.
    names = ["admin", "user", *sorted(set(django_hashes) - {"admin", "user"})[:6]]
    for name in names:
        response = await client.post(
            "/accounts/login/",
            data={"login": name, "password": "password", "_csrf_token": await _token(client)},
            follow_redirects=False,
        )
        # Verified addresses sign straight in; the others are sent a verification mail first (Django's
        # mandatory verification); either way the password was accepted.
        if name in {"admin", "user"}:
            assert response.status_code == 302, (name, response.text[:300])
            logout = await client.post(
                "/accounts/logout/", data={"_csrf_token": await _token(client, "/accounts/logout/")}
            )
            assert logout.status_code in {200, 302}
        else:
            assert response.status_code == 200 and "verif" in response.text.lower(), (name, response.text[:300])
    async with app.state.db_config.get_session() as session:
        upgraded = {u.username: u.password for u in (await session.execute(select(User))).scalars()}
    assert all(upgraded[name].startswith("argon2$") for name in names)
    await log_in(client, "admin", "password")
    assert (await client.get("/admin/")).status_code == 200


async def _token(client: AsyncTestClient[Litestar], url: str = "/accounts/login/") -> str:
    import re

    page = await client.get(url)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert match, page.text[:200]
    return match.group(1)


async def test_api_credentials_from_the_dump_authorise_writes(
    site: tuple[Litestar, AsyncTestClient[Litestar]], django_source: str
) -> None:
    app, client = site
    conn = await asyncpg.connect(django_source)
    try:
        # the dump's admin has a v2 token but no v1 key: the v1 write uses another user's key, made a release
        # manager (superuser) here, with the key exactly as Django stored it
        token = await conn.fetchval(
            "SELECT t.key FROM authtoken_token t JOIN users_user u ON u.id = t.user_id WHERE u.username = 'admin'"
        )
        keyed = await conn.fetchrow(
            "SELECT u.id, u.username, k.key FROM tastypie_apikey k JOIN users_user u ON u.id = k.user_id "
            "WHERE u.is_active ORDER BY u.id LIMIT 1"
        )
        highest = await conn.fetchval("SELECT max(id) FROM downloads_os")
    finally:
        await conn.close()
    async with app.state.db_config.get_session() as session:
        await session.execute(
            text("UPDATE users_user SET is_staff = true, is_superuser = true WHERE id = :i"), {"i": keyed["id"]}
        )
        await session.commit()
    try:
        v2 = await client.post(
            "/api/v2/downloads/os/",
            json={"name": "Imported OS two", "slug": "imported-os-two"},
            headers={"Authorization": f"Token {token}"},
        )
        assert v2.status_code == 201, v2.text
        v1 = await client.post(
            "/api/v1/downloads/os/",
            json={"name": "Imported OS one", "slug": "imported-os-one"},
            headers={"Authorization": f"ApiKey {keyed['username']}:{keyed['key']}"},
        )
        assert v1.status_code == 201, v1.text
        refused = await client.post(
            "/api/v2/downloads/os/", json={"name": "x", "slug": "x"}, headers={"Authorization": "Token not-a-key"}
        )
        assert refused.status_code == 401
        async with app.state.db_config.get_session() as session:
            created = (await session.execute(text("SELECT id FROM downloads_os WHERE slug LIKE 'imported-os%'"))).all()
            assert len(created) == 2
            assert all(row[0] > highest for row in created)  # the id sequence moved past Django's ids
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(text("DELETE FROM downloads_os WHERE slug LIKE 'imported-os%'"))
            await session.execute(
                text("UPDATE users_user SET is_staff = false, is_superuser = false WHERE id = :i"), {"i": keyed["id"]}
            )
            await session.commit()


async def test_content_from_the_dump_renders_at_its_django_urls(
    site: tuple[Litestar, AsyncTestClient[Litestar]], django_source: str
) -> None:
    _, client = site
    conn = await asyncpg.connect(django_source)
    try:
        page = await conn.fetchrow("SELECT path, title FROM pages_page WHERE is_published ORDER BY id LIMIT 1")
        release = await conn.fetchrow(
            "SELECT slug, name FROM downloads_release WHERE is_published ORDER BY id DESC LIMIT 1"
        )
        event = await conn.fetchrow(
            "SELECT e.id, e.title, c.slug FROM events_event e JOIN events_calendar c ON c.id = e.calendar_id "
            "ORDER BY e.id LIMIT 1"
        )
        job = await conn.fetchrow(
            "SELECT id, job_title FROM jobs_job WHERE status = 'approved' AND expires > now() ORDER BY id LIMIT 1"
        )
    finally:
        await conn.close()
    for url, title in [
        (f"/{page['path'].strip('/')}/", page["title"]),
        (f"/downloads/release/{release['slug']}/", release["name"]),
        (f"/events/{event['slug']}/{event['id']}/", event["title"]),
        (f"/jobs/{job['id']}/", job["job_title"]),
    ]:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert _escaped(title) in response.text, url
    assert (await client.get("/")).status_code == 200


async def test_location_pages_list_the_venues_upcoming_events(
    site: tuple[Litestar, AsyncTestClient[Litestar]], django_source: str
) -> None:
    """Django's EventListByLocation: the location of the URL's calendar, and that calendar's events at the venue
    that start after now or recur past it (``for_datetime``), six to a page."""
    _, client = site
    conn = await asyncpg.connect(django_source)
    try:
        rows = await conn.fetch(
            "SELECT l.id AS location, c.slug, e.title FROM events_eventlocation l "
            "JOIN events_calendar c ON c.id = l.calendar_id "
            "LEFT JOIN events_event e ON e.venue_id = l.id AND e.calendar_id = l.calendar_id AND ("
            "  EXISTS (SELECT 1 FROM events_occurringrule o WHERE o.event_id = e.id AND o.dt_start > now()) OR"
            "  EXISTS (SELECT 1 FROM events_recurringrule r WHERE r.event_id = e.id AND r.finish > now()))"
        )
    finally:
        await conn.close()
    expected: dict[tuple[int, str], set[str]] = {}
    for row in rows:
        expected.setdefault((row["location"], row["slug"]), set()).update([row["title"]] if row["title"] else [])
    assert any(expected.values()), "the sample has upcoming events at some venue"
    for (location, slug), titles in expected.items():
        response = await client.get(f"/events/{slug}/locations/{location}/")
        assert response.status_code == 200, (slug, location)
        if len(titles) <= 6:
            for title in titles:
                assert _escaped(title) in response.text, (slug, location, title)
        if not titles:
            assert "no upcoming events" in response.text.lower() or "event-title" not in response.text


def _escaped(value: str) -> str:
    import html

    return html.escape(value, quote=False)


# -- changes, bad rows and bad input (a fresh copy of the source each) ------------------------------------------------
@pytest.fixture
def mutable_source(django_source: str) -> str:
    """A copy of the sample that a test may change (made from the restored database as a template)."""
    name = make_url(_url("django_copy")).database or ""
    template = make_url(django_source).database or ""
    asyncio.run(_recreate(name, template=template))
    return _url("django_copy", driver="postgresql")


@pytest.fixture
def fresh_target(tmp_path: Path) -> Settings:
    return _target_settings(tmp_path, "sqlite", "unused")


@pytest.fixture(scope="module")
def imported_template(django_source: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One SQLite target holding the whole sample, copied by the tests that start after a first import."""
    settings = _target_settings(tmp_path_factory.mktemp("template"), "sqlite", "unused")
    assert asyncio.run(run_import(settings, django_source)).ok
    return settings


@pytest.fixture
def after_first_import(imported_template: Settings, tmp_path: Path) -> Settings:
    settings = make_settings(tmp_path, "sqlite")
    shutil.copyfile(imported_template.var_dir / "pydotorg.sqlite3", settings.var_dir / "pydotorg.sqlite3")
    return settings


async def test_incremental_resync_copies_exactly_the_changed_rows(
    after_first_import: Settings, mutable_source: str
) -> None:
    fresh_target = after_first_import
    since = datetime.datetime.now(datetime.UTC)
    await _source_execute(
        mutable_source,
        "UPDATE pages_page SET title = 'Changed in Django', updated = now() WHERE id = (SELECT min(id) FROM pages_page)",
        "UPDATE jobs_job SET job_title = 'Changed job', updated = now() WHERE id = (SELECT min(id) FROM jobs_job)",
        "UPDATE downloads_release SET release_notes_url = 'https://example.org/notes', updated = now() "
        "WHERE id = (SELECT max(id) FROM downloads_release)",
    )
    resync = await run_import(fresh_target, mutable_source, since=since)
    assert resync.ok and resync.changed == 3
    assert {t.target for t in resync.tables if t.updated} == {"pages_page", "jobs_job", "downloads_release"}
    assert sum(t.read for t in resync.tables if t.target in {"pages_page", "jobs_job", "downloads_release"}) == 3
    config = build_sqlalchemy_config(fresh_target)
    async with config.get_session() as session:
        assert await session.scalar(select(func.count()).where(Page.title == "Changed in Django")) == 1
        assert await session.scalar(select(func.count()).select_from(ImportRun)) == 2
    await config.get_engine().dispose()
    # a full comparison afterwards finds nothing left to copy
    final = await run_import(fresh_target, mutable_source)
    assert final.changed == 0, [(t.target, t.changed) for t in final.tables if t.changed]


async def test_rows_deleted_in_django_are_deleted_here(after_first_import: Settings, mutable_source: str) -> None:
    fresh_target = after_first_import
    await _source_execute(
        mutable_source,
        "DELETE FROM jobs_job_job_types WHERE job_id = (SELECT max(id) FROM jobs_job)",  # Django's ORM cascade
        "DELETE FROM jobs_job WHERE id = (SELECT max(id) FROM jobs_job)",
    )
    resync = await run_import(fresh_target, mutable_source, since=datetime.datetime.now(datetime.UTC))
    deleted = {t.target: t.deleted for t in resync.tables if t.deleted}
    assert deleted["jobs_job"] == 1 and set(deleted) == {"jobs_job", "jobs_job_job_types"}


async def test_bad_rows_are_reported_with_table_and_id_and_the_rest_goes_on(
    fresh_target: Settings, mutable_source: str
) -> None:
    conn = await asyncpg.connect(mutable_source)
    try:
        long_id = await conn.fetchval("SELECT min(id) FROM pages_page")
        # Django's own constraints would refuse these rows; a damaged production database might still hold them.
        await conn.execute("ALTER TABLE pages_page ALTER COLUMN title TYPE text")
        await conn.execute(f"UPDATE pages_page SET title = repeat('x', 4000) WHERE id = {long_id}")
        constraint = await conn.fetchval(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'downloads_releasefile'::regclass AND contype = 'f' "
            "AND conname LIKE '%release_id%'"
        )
        await conn.execute(f'ALTER TABLE downloads_releasefile DROP CONSTRAINT "{constraint}"')
        orphan_id = await conn.fetchval("SELECT min(id) FROM downloads_releasefile")
        await conn.execute(f"UPDATE downloads_releasefile SET release_id = 999999 WHERE id = {orphan_id}")
        await conn.execute(
            "UPDATE pages_page SET _content_rendered = '<p>Stale text</p>' WHERE id = " + str(long_id + 1)
        )
    finally:
        await conn.close()
    report = await run_import(fresh_target, mutable_source)
    assert not report.ok
    by_target = {t.target: t for t in report.tables}
    assert by_target["pages_page"].skipped == [(long_id, "title is 4000 characters, longer than its 500")]
    assert by_target["downloads_releasefile"].skipped == [
        (orphan_id, "release_id references downloads_release 999999, which is not here")
    ]
    assert by_target["pages_page"].inserted == 299 and by_target["downloads_releasefile"].inserted == 3015
    assert by_target["pages_page"].markup_differs == [long_id + 1]  # re-rendered, and reported


async def test_media_files_are_copied_and_missing_ones_named(
    after_first_import: Settings, mutable_source: str, tmp_path: Path
) -> None:
    fresh_target = after_first_import
    media_root = tmp_path / "django-media"
    (media_root / "images").mkdir(parents=True)
    (media_root / "images" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    await _source_execute(
        mutable_source,
        "INSERT INTO pages_image (page_id, image) SELECT min(id), 'images/logo.png' FROM pages_page",
        "INSERT INTO pages_documentfile (page_id, document) SELECT min(id), 'documents/minutes.pdf' FROM pages_page",
    )
    report = await run_import(fresh_target, mutable_source, media_root=media_root)
    assert report.media_copied == 1 and "documents/minutes.pdf" in report.media_missing
    assert not report.ok
    assert (fresh_target.media_path / "images" / "logo.png").stat().st_size == 108
    # the sample's sponsor logos, assets and contracts are named too: with their files given, they are copied
    others = [path for path in report.media_missing if path != "documents/minutes.pdf"]
    assert "sponsor_web_logos/bg_wMANY2Y.jpg" in others
    for relative in others:
        (media_root / relative).parent.mkdir(parents=True, exist_ok=True)
        (media_root / relative).write_bytes(b"a file the sample only names")
    again = await run_import(fresh_target, mutable_source, media_root=media_root)
    assert again.media_missing == ["documents/minutes.pdf"]
    assert again.media_copied == 1 + len(others)  # a file two rows name is counted for each
    assert (fresh_target.media_path / "sponsor_web_logos" / "bg_wMANY2Y.jpg").exists()


async def test_dry_run_writes_nothing(fresh_target: Settings, django_source: str) -> None:
    report = await run_import(fresh_target, django_source, dry_run=True)
    assert {t.target: t.inserted for t in report.tables}["users_user"] == 303
    config = build_sqlalchemy_config(fresh_target)
    async with config.get_session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0
        assert await session.scalar(select(func.count()).select_from(ImportRun)) == 0
    await config.get_engine().dispose()


async def test_an_interrupted_run_is_simply_run_again(fresh_target: Settings, django_source: str) -> None:
    class Interrupted(Exception):
        pass

    def interrupt(table: str, done: int, total: int) -> None:
        if table == "downloads_releasefile" and done >= 1000:
            raise Interrupted

    with pytest.raises(Interrupted):
        await run_import(fresh_target, django_source, progress=interrupt)
    resumed = await run_import(fresh_target, django_source)
    assert resumed.ok
    by_target = {t.target: t for t in resumed.tables}
    assert by_target["users_user"].inserted == 0  # committed before the interruption
    assert by_target["downloads_releasefile"].inserted == 3016


async def test_unusable_sources_are_refused_in_one_line(fresh_target: Settings, mutable_source: str) -> None:
    with pytest.raises(ImportProblem, match="must be a PostgreSQL URL"):
        await run_import(fresh_target, "mysql://root:pw@localhost/python")
    with pytest.raises(ImportProblem, match=r"cannot connect to 127\.0\.0\.1:1/django") as unreachable:
        await run_import(fresh_target, "postgresql://someone:s3cret-pw@127.0.0.1:1/django")
    assert "s3cret-pw" not in str(unreachable.value)
    with pytest.raises(ImportProblem, match="not a Django database"):
        await run_import(fresh_target, await _empty_database())
    await _source_execute(
        mutable_source, "INSERT INTO django_migrations (app, name, applied) VALUES ('users', '0099_future', now())"
    )
    with pytest.raises(ImportProblem, match="users 0099_future"):
        await run_import(fresh_target, mutable_source)
    config = build_sqlalchemy_config(fresh_target)
    async with config.get_session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0  # nothing written
    await config.get_engine().dispose()


async def _empty_database() -> str:
    name = make_url(_url("not_django")).database or ""
    await _recreate(name)
    return _url("not_django", driver="postgresql")


async def test_a_target_holding_other_data_needs_replace(fresh_target: Settings, django_source: str) -> None:
    settings = fresh_target
    config = build_sqlalchemy_config(settings)
    await seed(config.get_session)
    await config.get_engine().dispose()
    with pytest.raises(ImportProblem, match="--replace"):
        await run_import(settings, django_source)
    replaced = await run_import(settings, django_source, replace=True)
    assert replaced.ok
    assert {t.target: t.target_rows for t in replaced.tables}["users_user"] == 303


def test_the_command_exits_2_with_one_line_for_an_unusable_source(tmp_path: Path) -> None:
    settings = _target_settings(tmp_path, "sqlite", "unused")
    env = {"PYDOTORG_VAR_DIR": str(settings.var_dir), "PYDOTORG_ENV": "test", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "pydotorg", "import-django", "postgresql://u:hunter2@127.0.0.1:1/x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("import-django: cannot connect to 127.0.0.1:1/x")
    assert "hunter2" not in result.stderr + result.stdout


# -- the way back: export-django ----------------------------------------------------------------------------------
async def test_export_round_trip_gives_django_what_changed_here(
    after_first_import: Settings, mutable_source: str
) -> None:
    fresh_target = after_first_import
    cutover = datetime.datetime.now(datetime.UTC)
    config = build_sqlalchemy_config(fresh_target)
    async with config.get_session() as session:
        user = await create_user(
            session, username="after-cutover", email="after@example.org", password="a long passphrase", verified=True
        )
        page = (await session.execute(select(Page).order_by(Page.id).limit(1))).scalar_one()
        page.title = "Edited after the cutover"
        windows = (await session.execute(select(OS).where(OS.slug == "windows"))).scalar_one()
        release = build_release(name="Python 3.99.0")
        session.add(release)
        await session.flush()
        session.add(
            ReleaseFile(
                release_id=release.id,
                os_id=windows.id,
                name="Windows installer (64-bit)",
                slug="python-3990-windows",
                url="https://www.python.org/ftp/python/3.99.0/python-3.99.0-amd64.exe",
            )
        )
        job = (await session.execute(select(Job).order_by(Job.id.desc()).limit(1))).scalar_one()
        await session.delete(job)
        await session.commit()
        user_id, page_id, release_id, job_id = user.id, page.id, release.id, job.id
    engine = config.get_engine()
    try:
        rehearsal = await DjangoExporter(mutable_source, engine, mappings=MAPPINGS, since=cutover, dry_run=True).run()
        assert rehearsal.changed >= 5
        conn = await asyncpg.connect(mutable_source)
        try:
            assert await conn.fetchval("SELECT count(*) FROM users_user WHERE id = $1", user_id) == 0  # rolled back
        finally:
            await conn.close()
        export = await DjangoExporter(mutable_source, engine, mappings=MAPPINGS, since=cutover).run()
    finally:
        await engine.dispose()
    changes = {t.table: (t.inserted, t.updated, t.deleted) for t in export.tables if t.changed}
    assert changes["users_user"][0] == 1 and changes["account_emailaddress"][0] == 1
    assert changes["pages_page"] == (0, 1, 0)
    assert changes["downloads_release"] == (1, 0, 0) and changes["downloads_releasefile"] == (1, 0, 0)
    assert changes["jobs_job"] == (0, 0, 1)
    conn = await asyncpg.connect(mutable_source)
    try:
        assert await conn.fetchval("SELECT username FROM users_user WHERE id = $1", user_id) == "after-cutover"
        assert await conn.fetchval("SELECT title FROM pages_page WHERE id = $1", page_id) == "Edited after the cutover"
        assert await conn.fetchval("SELECT name FROM downloads_release WHERE id = $1", release_id) == "Python 3.99.0"
        assert await conn.fetchval("SELECT count(*) FROM jobs_job WHERE id = $1", job_id) == 0
        # Django's next id comes after ours (its sequences were moved)
        assert await conn.fetchval("SELECT nextval(pg_get_serial_sequence('downloads_release', 'id'))") > release_id
    finally:
        await conn.close()
    # Django now holds exactly what we hold: importing it again changes nothing
    again = await run_import(fresh_target, mutable_source)
    assert again.ok and again.changed == 0, [(t.target, t.changed) for t in again.tables if t.changed]


def test_the_commands_print_the_report_and_write_it_as_json(
    fresh_target: Settings, mutable_source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from pydotorg.server.django_cli import export_django_command, import_django_command

    app = create_app(fresh_target)
    report_path = tmp_path / "report.json"
    assert import_django_command.callback is not None and export_django_command.callback is not None
    import_django_command.callback(
        app=app,
        source_url=mutable_source,
        since=None,
        dry_run=False,
        replace=False,
        media_root=None,
        report_path=report_path,
    )
    printed = capsys.readouterr().out
    assert "sitetree_treeitem -> navigation_menuitem" in printed and "import complete" in printed
    assert "sponsors_sponsor: 1 rows read" in printed
    saved = json.loads(report_path.read_text())
    assert saved["ok"] is True and saved["changed"] == 7711  # 543 of them the sponsorship tables
    with pytest.raises(click.BadParameter):
        import_django_command.callback(
            app=app,
            source_url=mutable_source,
            since="last week",
            dry_run=True,
            replace=False,
            media_root=None,
            report_path=None,
        )
    with pytest.raises(SystemExit) as refused:
        export_django_command.callback(app=create_app(fresh_target), target_url="mysql://x/y", since=None, dry_run=True)
    assert refused.value.code == 2
    export_django_command.callback(
        app=create_app(fresh_target), target_url=mutable_source, since="2000-01-01", dry_run=True
    )
    assert "would change in the Django database" in capsys.readouterr().out


async def test_rows_the_database_refuses_are_reported_one_by_one(
    after_first_import: Settings, mutable_source: str
) -> None:
    """Two categories swapped their slugs in Django: written together they collide on our unique slug, so the
    batch is retried row by row and the refused rows are named (a later run, after a manual fix, completes)."""
    conn = await asyncpg.connect(mutable_source)
    try:
        first, second = await conn.fetch("SELECT id, slug FROM jobs_jobcategory ORDER BY id LIMIT 2")
        async with conn.transaction():
            await conn.execute("UPDATE jobs_jobcategory SET slug = 'swapping' WHERE id = $1", first["id"])
            await conn.execute("UPDATE jobs_jobcategory SET slug = $1 WHERE id = $2", first["slug"], second["id"])
            await conn.execute("UPDATE jobs_jobcategory SET slug = $1 WHERE id = $2", second["slug"], first["id"])
    finally:
        await conn.close()
    report = await run_import(after_first_import, mutable_source)
    categories = next(t for t in report.tables if t.target == "jobs_jobcategory")
    assert not report.ok
    assert sorted(row_id for row_id, _ in categories.skipped) == sorted([first["id"], second["id"]])
    assert all(reason.startswith("the database refused it") for _, reason in categories.skipped)
    assert next(t for t in report.tables if t.target == "jobs_job").skipped == []  # the rest went on


async def test_polymorphic_sponsor_rows_load_as_their_kinds(imported: Imported) -> None:
    """Django's multi-table polymorphic rows (feature configurations, features, assets) load as their own kinds,
    every kind's columns with them, in one query each (joined-table inheritance over Django's tables)."""
    from sqlalchemy import event
    from sqlalchemy.orm import selectin_polymorphic, with_polymorphic

    from pydotorg.db.models import (
        BenefitFeature,
        BenefitFeatureConfiguration,
        GenericAsset,
        TieredBenefitConfiguration,
    )

    config = build_sqlalchemy_config(imported.settings)
    statements: list[str] = []
    try:
        engine = config.get_engine()
        event.listen(engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        async with config.get_session() as session:
            configurations = with_polymorphic(BenefitFeatureConfiguration, "*")
            rows = (await session.execute(select(configurations))).scalars().all()
            assert len(statements) == 1  # one query, the parent LEFT JOINed to every kind's table
            kinds = {type(row).__name__ for row in rows}
            assert {
                "LogoPlacementConfiguration",
                "TieredBenefitConfiguration",
                "RequiredImgAssetConfiguration",
            } <= kinds
            tiered = next(row for row in rows if isinstance(row, TieredBenefitConfiguration))
            assert tiered.quantity >= 0 and tiered.package_id
            features = (await session.execute(select(with_polymorphic(BenefitFeature, "*")))).scalars().all()
            assert len(features) == 38 and all(type(f) is not BenefitFeature for f in features)
            assets = (
                (
                    await session.execute(
                        select(GenericAsset).options(selectin_polymorphic(GenericAsset, GenericAsset.__subclasses__()))
                    )
                )
                .scalars()
                .all()
            )
            assert len(assets) == 21 and {a.content_type for a in assets} <= {"sponsor", "sponsorship"}
    finally:
        await config.get_engine().dispose()


async def test_imported_sponsorships_render_in_the_dashboard_admin_and_apis(
    site: tuple[Litestar, AsyncTestClient[Litestar]], django_source: str
) -> None:
    from pydotorg.db.models import Token
    from tests.conftest import delete_user, log_in, make_user

    app, client = site
    conn = await asyncpg.connect(django_source)
    try:
        row = await conn.fetchrow(
            "SELECT s.id, sp.name FROM sponsors_sponsorship s JOIN sponsors_sponsor sp ON sp.id = s.sponsor_id "
            "ORDER BY s.id LIMIT 1"
        )
        asset_name = await conn.fetchval("SELECT internal_name FROM sponsors_genericasset ORDER BY id LIMIT 1")
        asset_count = await conn.fetchval(
            "SELECT count(*) FROM sponsors_genericasset WHERE internal_name = $1", asset_name
        )
    finally:
        await conn.close()
    name = "imported-sponsor-admin"
    user_id = await make_user(app, name, is_staff=True, is_superuser=True)
    try:
        async with app.state.db_config.get_session() as session:
            key = (await session.execute(select(Token.key).where(Token.user_id == user_id))).scalar_one()
        headers = {"Authorization": f"Token {key}"}
        placements = await client.get("/api/v2/sponsors/logo-placement/", headers=headers)
        assert placements.status_code == 200 and isinstance(placements.json(), list)
        assets = await client.get(
            f"/api/v2/sponsors/sponsorship-assets/?internal_name={asset_name}&list_empty=true", headers=headers
        )
        assert assets.status_code == 200 and len(assets.json()) == asset_count
        await log_in(client, name)
        for url in (
            f"/admin/sponsors/sponsorship/{row['id']}/change/",
            f"/admin/sponsors/sponsorship/{row['id']}/list-assets/",
            f"/users/sponsorships/{row['id']}/",
            f"/users/sponsorships/{row['id']}/assets/",
            "/admin/sponsors/sponsorship/",
            "/admin/sponsors/sponsorshipbenefit/",
            "/admin/sponsors/logoplacementconfiguration/",
            "/psf/sponsors/",
        ):
            response = await client.get(url)
            assert response.status_code == 200, url
        detail = await client.get(f"/users/sponsorships/{row['id']}/")
        assert _escaped(row["name"]) in detail.text
    finally:
        await delete_user(app, name)
