"""The downloads pages (every row of inventory §2.8's URL table, under /downloads/ and /getit/), feeds and jobs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, update

from pydotorg.db.models import Box, Release, ReleaseFile
from pydotorg.domain.downloads.jobs import regenerate_boxes
from pydotorg.domain.downloads.release_cycle import active_releases, branches, eol_info
from pydotorg.domain.downloads.services import release_file_errors
from pydotorg.lib.jobs import JobContext, get_job
from pydotorg.settings import Settings
from tests.conftest import delete_user, log_in, make_user

pytestmark = pytest.mark.usefixtures("backend")
PREFIXES = ["/downloads", "/getit"]


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_landing_page(client: AsyncTestClient[Litestar], prefix: str) -> None:
    response = await client.get(f"{prefix}/")
    assert response.status_code == 200
    html = response.text
    assert "Download Python 3.15.0" in html
    assert "python-3.15.0-amd64.exe" in html and "python-3.15.0-macos11.pkg" in html
    assert "Python install manager 25.1" in html
    # the release list is sorted by numeric version: 3.15.0 before 3.9.x before 3.1.x; no pre-releases, no drafts
    assert html.index("Python 3.15.0") < html.index("Python 3.9.18") < html.index("Python 3.1.5")
    assert "3.16.0a2" not in html.split("release-list-widget", 1)[1] and "Python 3.15.1" not in html
    # the active releases table: the feature branch 3.16 has a pre-release in the database; one EOL branch only
    table = html.split("active-releases", 1)[1].split("</table>", 1)[0]
    assert "3.16" in table and "3.10" in table and "3.9<" not in table and "PEP 745" in table
    assert response.headers["surrogate-key"] == "pydotorg-app downloads"
    assert "public" in response.headers["cache-control"]


@pytest.mark.parametrize("prefix", PREFIXES)
async def test_os_pages(client: AsyncTestClient[Litestar], prefix: str) -> None:
    oses = await client.get(f"{prefix}/operating-systems/")
    assert oses.status_code == 200
    for name in ("Windows", "macOS", "Source code", "Android", "iOS"):
        assert f">{name}</a>" in oses.text
    windows = await client.get(f"{prefix}/windows/")
    assert windows.status_code == 200
    stable, pre = windows.text.split("Pre-releases", 1)
    assert "python-3.15.0-amd64.exe" in stable and "Python 3.16.0a2" in pre
    assert "Python-3.15.0.tgz" not in windows.text  # only this OS's files
    assert (await client.get(f"{prefix}/plan9/")).status_code == 404


async def test_release_page(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/downloads/release/python-3150/")
    assert response.status_code == 200
    html = response.text
    assert '<h1 class="page-title">Python 3.15.0</h1>' in html
    rows = html.split("<tbody>", 1)[1]
    # featured (download button) files first: macOS, Windows, then source
    assert rows.index("macos11.pkg") < rows.index("amd64.exe") < rows.index("Python-3.15.0.tgz")
    assert rows.index("Python-3.15.0.tgz") < rows.index("Python-3.15.0.tar.xz") < rows.index("embed-amd64.zip")
    assert "SHA-256" in html and "Sigstore" in html and "SBOM" in html
    assert "MD5 Sum" not in html and ">GPG<" not in html  # no file of 3.15 has them
    assert "superseded-notice" not in html and "eol-notice" not in html
    old = await client.get("/downloads/release/python-3100/")
    assert "end of life" in " ".join(old.text.split()) and "Python 3.10.17" in old.text  # superseded
    assert "MD5 Sum" in old.text and ">GPG<" in old.text
    python2 = await client.get("/downloads/release/python-2718/")
    assert "end of life" in " ".join(python2.text.split())
    assert 'data-html-include="/downloads/release/python-3150/edit-button"' in html
    assert (await client.get("/downloads/release/python-9999/")).status_code == 404


async def test_drafts_are_for_staff_only(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    # Django served unpublished releases to anyone who knew the slug
    assert (await client.get("/downloads/release/python-3151/")).status_code == 404
    assert (await client.get("/downloads/release/python-3151/edit-button")).text == ""
    await make_user(app, "release-staff", is_staff=True)
    try:
        await log_in(client, "release-staff")
        draft = await client.get("/downloads/release/python-3151/")
        assert draft.status_code == 200 and "is a draft" in draft.text
        assert draft.headers["cache-control"] == "private, no-cache"
        button = await client.get("/downloads/release/python-3150/edit-button")
        assert "/admin/downloads/release/" in button.text and button.headers["cache-control"] == "private, no-cache"
    finally:
        client.cookies.clear()
        await delete_user(app, "release-staff")


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("latest", "/downloads/release/python-3150/"),
        ("latest/", "/downloads/release/python-3150/"),
        ("latest/python3", "/downloads/release/python-3150/"),
        ("latest/python3/", "/downloads/release/python-3150/"),
        ("latest/python3.12", "/downloads/release/python-31214/"),
        ("latest/python3.9/", "/downloads/release/python-3918/"),
        ("latest/python2", "/downloads/release/python-2718/"),
        ("latest/prerelease", "/downloads/release/python-3160a2/"),
        ("latest/pymanager/", "/downloads/release/pymanager-251/"),
        ("latest/python3.99", "{prefix}/"),
    ],
)
async def test_latest_redirects(client: AsyncTestClient[Litestar], prefix: str, path: str, target: str) -> None:
    response = await client.get(f"{prefix}/{path}", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == target.format(prefix=prefix)


async def test_latest_fallbacks_do_not_crash(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    """Django's python2 and pymanager fallbacks raised a 500 when no such release existed."""
    async with app.state.db_config.get_session() as session:
        await session.execute(update(Release).where(Release.version.in_([2, 100])).values(is_latest=False))
        await session.commit()
    try:
        for which in ("python2", "pymanager"):
            response = await client.get(f"/getit/latest/{which}", follow_redirects=False)
            assert response.status_code == 302 and response.headers["location"] == "/getit/"
        assert (await client.get("/downloads/latest/perl", follow_redirects=False)).status_code == 404
    finally:
        async with app.state.db_config.get_session() as session:
            for slug in ("python-2718", "pymanager-251"):
                await session.execute(update(Release).where(Release.slug == slug).values(is_latest=True))
            await session.commit()


async def test_feeds(client: AsyncTestClient[Litestar]) -> None:
    rss = await client.get("/downloads/feed.rss")
    assert rss.status_code == 200 and rss.headers["content-type"].startswith("application/rss+xml")
    channel = ET.fromstring(rss.content).find("channel")
    assert channel is not None and channel.findtext("title") == "Python Releases"
    items = channel.findall("item")
    assert len(items) == 10
    assert items[0].findtext("title") == "Python 3.16.0a2"
    assert items[0].findtext("description") == "Release date: Nov. 18, 2026"
    assert items[0].findtext("pubDate", "").startswith("Wed, 18 Nov 2026")
    assert "Python 3.15.1" not in rss.text  # drafts never
    atom = await client.get("/getit/feed.atom")
    assert atom.status_code == 200 and b"<feed" in atom.content
    entries = ET.fromstring(atom.content).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 10


def test_release_file_rules() -> None:
    base = "https://www.python.org/ftp/python/3.15.0/python-3.15.0-amd64.exe"
    assert release_file_errors({"url": base, "gpg_signature_file": base + ".asc"}) == {}
    assert "url" in release_file_errors({"url": "https://evil.example/x.exe"})
    assert "url" in release_file_errors({"url": ""})
    wrong = release_file_errors({"url": base, "sigstore_bundle_file": base + ".asc"})
    assert "sigstore_bundle_file" in wrong and ".sigstore" in wrong["sigstore_bundle_file"]
    legacy = "http://www.python.org/ftp/python/2.0/x.exe"
    # an unchanged legacy http:// URL is tolerated, a new one is not
    assert release_file_errors({"url": legacy}, {"url": legacy}) == {}
    assert "url" in release_file_errors({"url": legacy})


def test_release_cycle_data(seeded_settings: Settings) -> None:
    data = branches()
    assert data["3.15"].status == "bugfix" and data["2.7"].is_eol
    minors = {(3, 15), (3, 16)}
    rows = active_releases(minors)
    assert rows[0].version == "3.16" and [r for r in rows if r.is_eol] == [data["3.10"]]
    assert active_releases({(3, 15)})[0].version == "3.15"  # no 3.16 release yet: no 3.16 row
    python1 = Release(name="Python 1.6", slug="x", version=1)
    assert eol_info(python1).is_eol
    manager = Release(name="Python install manager 25.1", slug="y", version=100)
    assert not eol_info(manager).is_eol
    assert branches(seeded_settings.var_dir / "missing.json") == {}


async def test_downloads_changed_job_regenerates_boxes(app: Litestar, seeded_settings: Settings) -> None:
    async with app.state.db_config.get_session() as session:
        box = (await session.execute(select(Box).where(Box.label == "supernav-python-downloads"))).scalar_one()
        box.content = "stale"
        await session.commit()
    ctx = JobContext(settings=seeded_settings, session_factory=app.state.db_config.get_session, stores=app.stores)
    result = await get_job("downloads_changed")(ctx, versions=["3.15.0"])
    assert result["boxes"] == ["supernav-python-downloads"]
    assert "key:downloads" in result["purged"] and "/ftp/python/3.15.0/" in result["purged"]
    assert result["cdn"] is False  # no Fastly key configured: nothing is sent
    async with app.state.db_config.get_session() as session:
        content = (await session.execute(select(Box.content).where(Box.label == "supernav-python-downloads"))).scalar()
        assert content is not None and "python-3.15.0-amd64.exe" in content
        assert await regenerate_boxes(session) == []  # idempotent


async def test_admin_release_rules(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    from tests.conftest import csrf_token

    await make_user(app, "release-admin", is_superuser=True)
    try:
        await log_in(client, "release-admin")
        async with app.state.db_config.get_session() as session:
            release = (await session.execute(select(Release).where(Release.slug == "python-3140"))).scalar_one()
            release_id = release.id
            windows = (
                (await session.execute(select(ReleaseFile.os_id).where(ReleaseFile.url.like("%amd64.exe"))))
                .scalars()
                .first()
            )
        url = "/admin/downloads/releasefile/add/"
        form = {
            "release_id": str(release_id), "os_id": str(windows), "name": "Extra", "slug": "", "description": "",
            "url": "https://evil.example/x.exe", "gpg_signature_file": "", "sigstore_signature_file": "",
            "sigstore_cert_file": "", "sigstore_bundle_file": "", "sbom_spdx2_file": "", "md5_sum": "",
            "sha256_sum": "", "filesize": "1", "download_button": "y",
        }  # fmt: skip
        bad = await client.post(url, data={**form, "_csrf_token": await csrf_token(client, url)})
        assert bad.status_code == 400 and "must start with https://www.python.org/" in bad.text
        good_url = "https://www.python.org/ftp/python/3.14.0/extra.exe"
        second_button = await client.post(
            url, data={**form, "url": good_url, "_csrf_token": await csrf_token(client, url)}
        )
        assert second_button.status_code == 400 and "already has a download button" in second_button.text
        ok = await client.post(
            url,
            data={**form, "url": good_url, "download_button": "", "_csrf_token": await csrf_token(client, url)},
            follow_redirects=False,
        )
        assert ok.status_code == 302, ok.text
        async with app.state.db_config.get_session() as session:
            extra = (await session.execute(select(ReleaseFile).where(ReleaseFile.url == good_url))).scalar_one()
            assert extra.slug == "extra"
            await session.delete(extra)
            await session.commit()

        # marking 3.14.0 latest demotes 3.15.0 (same version family), then we put it back
        change = f"/admin/downloads/release/{release_id}/change/"
        page = await client.get(change)
        assert page.status_code == 200 and "Python 3.14.0" in page.text
        # the release's files are listed inline, with a link that adds one to this release
        assert "Files (7)" in page.text and "python-3.14.0-amd64.exe" not in page.text  # names, not URLs
        assert "Windows installer (64-bit)" in page.text
        assert f"/admin/downloads/releasefile/add/?release_id={release_id}" in page.text
        prefilled = await client.get(f"/admin/downloads/releasefile/add/?release_id={release_id}")
        assert f'<option selected value="{release_id}">' in prefilled.text
        data = {
            "name": "Python 3.14.0", "slug": "python-3140", "version": "3", "is_latest": "y", "is_published": "y",
            "show_on_download_page": "y", "release_date": "2025-10-07T12:00", "release_page_id": "",
            "release_notes_url": "", "content": "x", "content_markup_type": "markdown",
        }  # fmt: skip
        saved = await client.post(
            change, data={**data, "_csrf_token": await csrf_token(client, change)}, follow_redirects=False
        )
        assert saved.status_code == 302, saved.text
        latest = (await client.get("/downloads/latest/python3", follow_redirects=False)).headers["location"]
        assert latest == "/downloads/release/python-3140/"
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(update(Release).where(Release.version == 3).values(is_latest=False))
            await session.execute(update(Release).where(Release.slug == "python-3150").values(is_latest=True))
            await session.commit()
            await regenerate_boxes(session)
            await session.commit()
        client.cookies.clear()
        await delete_user(app, "release-admin")


async def test_documentation_pages(client: AsyncTestClient[Litestar]) -> None:
    doc = await client.get("/doc/")
    assert doc.status_code == 200 and "Python 3.15.0" in doc.text and "/doc/versions/" in doc.text
    versions = await client.get("/doc/versions/")
    assert versions.status_code == 200
    html = versions.text
    assert html.index("release/3.15.0/") < html.index("release/3.14.6/") < html.index("release/2.7.18/")
    assert 'release/3.2/"' in html and 'release/3.2.0/"' not in html  # X.Y.0 shown as X.Y up to 3.2
    assert 'release/3.3.0/"' in html
    assert "release/3.16.0a2/" not in html and "release/3.15.1/" not in html  # no pre-releases, no drafts
    assert 'release/1.4/"' in html  # the hand-kept legacy list
    assert (await client.get("/doc", follow_redirects=False)).status_code == 301
