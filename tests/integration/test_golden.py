"""Whole response bodies of the downloads feeds and both APIs for one fixed dataset, compared byte for byte with
the documents in ``tests/golden/`` (issue 15): a later change to an ordering, a field, a format or an encoding
shows up here as a diff instead of reaching release tooling, mirrors and feed readers silently.

The documents follow the Django site's formats: tastypie's (``{"meta": ..., "objects": [...]}``, sorted keys,
``", "`` separators, naive ISO times, relations as ``/api/v1/...`` URIs, its XML) and Django REST framework's
(bare lists, absolute hyperlinks, UTC times with ``Z``). After a deliberate change, rewrite them with
``UPDATE_GOLDEN=1 pytest tests/integration/test_golden.py`` and review the diff like code.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from pydotorg.app import create_app
from pydotorg.db.models import OS, Page, Release, ReleaseFile
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.settings import Settings
from tests.conftest import _create_database, _reset_postgres, make_settings, migrate

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
UTC = datetime.UTC
PY = "https://www.python.org/ftp/python"

#: (golden file, request path): every list, detail, schema and format a client of the Django site reads.
REQUESTS = [
    ("v1-root.json", "/api/v1/"),
    ("v1-os-list.json", "/api/v1/downloads/os/"),
    ("v1-release-list.json", "/api/v1/downloads/release/"),
    ("v1-release-page.json", "/api/v1/downloads/release/?version=3&limit=1&offset=1"),
    ("v1-release-detail.json", "/api/v1/downloads/release/1/"),
    ("v1-release-file-list.json", "/api/v1/downloads/release_file/"),
    ("v1-release-file-by-release.json", "/api/v1/downloads/release_file/?release=1"),
    ("v1-page-list.json", "/api/v1/pages/page/"),
    ("v1-page-detail.json", "/api/v1/pages/page/1/"),
    ("v1-os-schema.json", "/api/v1/downloads/os/schema/"),
    ("v1-release-file-schema.json", "/api/v1/downloads/release_file/schema/"),
    ("v1-page-schema.json", "/api/v1/pages/page/schema/"),
    ("v1-release-filter-refused.json", "/api/v1/downloads/release/?release_date__gte=2024-01-01"),
    ("v1-os-list.xml", "/api/v1/downloads/os/?format=xml"),
    ("v2-root.json", "/api/v2/"),
    ("v2-os-list.json", "/api/v2/downloads/os/"),
    ("v2-release-list.json", "/api/v2/downloads/release/"),
    ("v2-release-detail.json", "/api/v2/downloads/release/1/"),
    ("v2-release-detail-suffix.json", "/api/v2/downloads/release/1.json"),
    ("v2-release-file-list.json", "/api/v2/downloads/release_file/?release=1"),
    ("v2-page-list.json", "/api/v2/pages/page/"),
    ("v2-page-filter-refused.json", "/api/v2/pages/page/?format=json"),
    ("downloads-feed.rss", "/downloads/feed.rss"),
    ("downloads-feed.atom", "/downloads/feed.atom"),
]


async def _load(settings: Settings) -> None:
    """The fixed dataset: three systems, four releases (one a draft, one a pre-release), five files, two pages."""
    config = build_sqlalchemy_config(settings)
    async with config.get_session() as session:
        session.add_all(
            [
                Page(
                    id=1,
                    path="about/apps",
                    title="Applications",
                    content="Python runs *everywhere*.\n",
                    content_markup_type="restructuredtext",
                    keywords="apps",
                    description="What people build",
                ),
                Page(
                    id=2,
                    path="downloads/release/python-3120",
                    title="Python 3.12.0",
                    content="The **3.12.0** release.\n",
                    content_markup_type="markdown",
                ),
                OS(id=1, name="Windows", slug="windows"),
                # names that sort alike in any collation (SQLite compares bytes, PostgreSQL by locale)
                OS(id=2, name="Mac OS X", slug="macos"),
                OS(id=3, name="Source release", slug="source"),
            ]
        )
        await session.flush()
        session.add_all(
            [
                Release(
                    id=1,
                    name="Python 3.12.0",
                    slug="python-3120",
                    version=3,
                    is_published=True,
                    is_latest=True,
                    release_date=datetime.datetime(2023, 10, 2, 12, 0, tzinfo=UTC),
                    release_page_id=2,
                    release_notes_url="https://docs.python.org/release/3.12.0/whatsnew/changelog.html",
                ),
                Release(
                    id=2,
                    name="Python 3.13.0a1",
                    slug="python-3130a1",
                    version=3,
                    is_published=True,
                    pre_release=True,
                    release_date=datetime.datetime(2023, 10, 13, 9, 30, tzinfo=UTC),
                ),
                Release(
                    id=3,
                    name="Python 2.7.18",
                    slug="python-2718",
                    version=2,
                    is_published=True,
                    release_date=datetime.datetime(2020, 4, 20, 12, 0, tzinfo=UTC),
                ),
                Release(
                    id=4,
                    name="Python 3.14.0",
                    slug="python-3140",
                    version=3,
                    is_published=False,
                    release_date=datetime.datetime(2025, 10, 7, 12, 0, tzinfo=UTC),
                ),
            ]
        )
        await session.flush()

        def file(pk: int, release: int, os_id: int, name: str, path: str, **extra: object) -> ReleaseFile:
            return ReleaseFile(
                id=pk,
                release_id=release,
                os_id=os_id,
                name=name,
                slug=f"file-{pk}",
                url=f"{PY}/{path}",
                md5_sum="0" * 32,
                filesize=1000 * pk,
                **extra,
            )

        session.add_all(
            [
                file(
                    1,
                    1,
                    1,
                    "Windows installer (64-bit)",
                    "3.12.0/python-3.12.0-amd64.exe",
                    download_button=True,
                    description="For most Windows users",
                    sha256_sum="a" * 64,
                    sigstore_bundle_file=f"{PY}/3.12.0/python-3.12.0-amd64.exe.sigstore",
                ),
                file(
                    2,
                    1,
                    2,
                    "macOS 64-bit universal2 installer",
                    "3.12.0/python-3.12.0-macos11.pkg",
                    download_button=True,
                ),
                file(
                    3,
                    1,
                    3,
                    "Gzipped source tarball",
                    "3.12.0/Python-3.12.0.tgz",
                    is_source=True,
                    gpg_signature_file=f"{PY}/3.12.0/Python-3.12.0.tgz.asc",
                ),
                file(4, 2, 3, "Gzipped source tarball", "3.13.0/Python-3.13.0a1.tgz", is_source=True),
                file(5, 4, 3, "Gzipped source tarball", "3.14.0/Python-3.14.0.tgz", is_source=True),
            ]
        )
        await session.commit()
    await config.get_engine().dispose()


@pytest.fixture(scope="module")
def golden_settings(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    overrides: dict[str, object] = {}
    if backend == "postgres":
        from sqlalchemy.engine import make_url

        from tests.conftest import TEST_DATABASE_URL

        assert TEST_DATABASE_URL
        url = make_url(TEST_DATABASE_URL)
        golden_url = url.set(database=f"{url.database}_golden").render_as_string(hide_password=False)
        asyncio.run(_create_database(golden_url))
        asyncio.run(_reset_postgres(golden_url))
        overrides["database_url"] = golden_url
    settings = make_settings(tmp_path_factory.mktemp(f"golden-{backend}"), backend, **overrides)
    migrate(settings)
    asyncio.run(_load(settings))
    return settings


@pytest.fixture
async def golden_client(golden_settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    app = create_app(golden_settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        yield client
    await app.state.db_config.get_engine().dispose()


@pytest.mark.parametrize(("name", "path"), REQUESTS, ids=[name for name, _ in REQUESTS])
async def test_body_matches_its_golden_document(golden_client: AsyncTestClient[Litestar], name: str, path: str) -> None:
    response = await golden_client.get(path)
    assert response.status_code in (200, 400), (path, response.status_code, response.text[:300])
    # a feed's generator line names our version; everything else is fixed by the dataset
    body = re.sub(rb"<generator[^>]*>[^<]*</generator>", b"<generator/>", response.content)
    document = GOLDEN / name
    if UPDATE:
        document.write_bytes(body)
    assert document.exists(), f"{document} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert body.decode() == document.read_text(encoding="utf-8"), f"{path} drifted from {document.name}"
