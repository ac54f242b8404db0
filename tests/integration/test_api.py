"""/api/v1 (tastypie) and /api/v2 (DRF): envelopes, filters, auth, staff writes, validation — inventory §4.1/§4.2."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, select, update

from pydotorg.db.models import OS, ApiKey, Release, ReleaseFile, Token, User
from tests.conftest import delete_user, grant, make_user

pytestmark = pytest.mark.usefixtures("backend")
FTP = "https://www.python.org/ftp/python/3.15.0"


@dataclass
class Creds:
    v1: dict[str, str]
    v2: dict[str, str]


async def _creds(app: Litestar, username: str) -> Creds:
    async with app.state.db_config.get_session() as session:
        user_id = (await session.execute(select(User.id).where(User.username == username))).scalar_one()
        key = (await session.execute(select(ApiKey.key).where(ApiKey.user_id == user_id))).scalar_one()
        token = (await session.execute(select(Token.key).where(Token.user_id == user_id))).scalar_one()
    return Creds({"Authorization": f"ApiKey {username}:{key}"}, {"Authorization": f"Token {token}"})


@pytest.fixture
async def staff(app: Litestar) -> AsyncIterator[Creds]:
    await make_user(app, "api-staff", is_staff=True)
    # a release manager: the downloads permissions through the group, and the pages ones directly
    perms = tuple(f"pages.{action}_page" for action in ("add", "change", "delete"))
    await grant(app, "api-staff", groups=("Release Managers",), perms=perms)
    yield await _creds(app, "api-staff")
    await delete_user(app, "api-staff")


@pytest.fixture
async def member(app: Litestar) -> AsyncIterator[Creds]:
    await make_user(app, "api-member")
    yield await _creds(app, "api-member")
    await delete_user(app, "api-member")


async def _count(app: Litestar, model: type) -> int:
    async with app.state.db_config.get_session() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


# -- v1 -------------------------------------------------------------------------------------------------------------
async def test_v1_envelope_and_pagination(client: AsyncTestClient[Litestar]) -> None:
    body = (await client.get("/api/v1/downloads/release/")).json()
    meta = body["meta"]
    assert meta["limit"] == 20 and meta["offset"] == 0 and meta["previous"] is None
    assert meta["total_count"] == 210  # published only: the draft is hidden
    assert meta["next"] == "/api/v1/downloads/release/?limit=20&offset=20"
    first = body["objects"][0]
    assert set(first) == {
        "name", "slug", "version", "is_published", "is_latest", "release_date", "pre_release", "release_page",
        "release_notes_url", "show_on_download_page", "resource_uri",
    }  # fmt: skip
    assert "id" not in first and first["resource_uri"].startswith("/api/v1/downloads/release/")
    assert first["release_date"].count(":") == 2 and not first["release_date"].endswith("Z")
    second = (await client.get(meta["next"])).json()["meta"]
    assert second["offset"] == 20 and second["previous"] == "/api/v1/downloads/release/?limit=20&offset=0"
    everything = (await client.get("/api/v1/downloads/release/?limit=0")).json()
    assert everything["meta"]["limit"] == 1000 and len(everything["objects"]) == 210
    for bad in ("limit=-1", "offset=abc", "limit=x", "offset=-5"):
        response = await client.get(f"/api/v1/downloads/release/?{bad}")
        assert response.status_code == 400 and "error" in response.json()


async def test_v1_filters(client: AsyncTestClient[Litestar]) -> None:
    async def objects(query: str) -> list[dict[str, object]]:
        response = await client.get(f"/api/v1/{query}")
        assert response.status_code == 200, response.text
        return list(response.json()["objects"])

    assert [o["name"] for o in await objects("downloads/release/?name=Python+3.14.1")] == ["Python 3.14.1"]
    assert len(await objects("downloads/release/?version=2&limit=0")) == 19
    pre = await objects("downloads/release/?pre_release=true")
    assert {o["name"] for o in pre} == {"Python 3.16.0a1", "Python 3.16.0a2"}
    # python.org's ReleaseResource declares "release_date": (ALL,), which tastypie reads as a lookup list naming
    # none: every release_date filter is a 400 there, so it is here
    for query in ("release_date__gte=2026-10-01", "release_date=2026-10-01", "release_date__year=2026"):
        refused = await client.get(f"/api/v1/downloads/release/?{query}")
        lookup = query.split("=")[0].partition("__")[2] or "exact"
        assert refused.status_code == 400
        assert refused.json() == {"error": f"'{lookup}' is not an allowed filter on the 'release_date' field."}
    windows = (await objects("downloads/os/?slug=windows"))[0]
    assert windows == {"name": "Windows", "slug": "windows", "resource_uri": windows["resource_uri"]}
    release = (await objects("downloads/release/?slug=python-3150"))[0]
    release_id = str(release["resource_uri"]).rstrip("/").rsplit("/", 1)[1]
    files = await objects(f"downloads/release_file/?release={release_id}")
    assert len(files) == 7 and all(f["release"] == release["resource_uri"] for f in files)
    by_os = await objects(f"downloads/release_file/?release={release_id}&os__slug=windows")
    assert {f["name"] for f in by_os} == {
        "Windows installer (64-bit)", "Windows embeddable package (64-bit)", "Windows installer (ARM64)",
    }  # fmt: skip
    assert await objects("downloads/release_file/?description__contains=Experimental&limit=1")
    assert (await objects("pages/page/?path=about/apps"))[0]["title"] == "Applications for Python"
    assert await objects("pages/page/?keywords__icontains=SCIENCE")
    # not a field: ignored, as tastypie does; a field without filtering or a lookup not allowed: 400
    assert len(await objects("downloads/os/?whatever=1")) == 5
    assert (await client.get("/api/v1/downloads/release/?release_notes_url=x")).status_code == 400
    assert (await client.get("/api/v1/downloads/release/?name__icontains=py")).status_code == 400
    assert (await client.get("/api/v1/downloads/release/?order_by=name")).status_code == 400
    assert (await client.get("/api/v1/downloads/release/?is_published=maybe")).status_code == 400


async def test_v1_detail_schema_set_and_root(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    async with app.state.db_config.get_session() as session:
        draft_id = (await session.execute(select(Release.id).where(Release.slug == "python-3151"))).scalar_one()
        final_id = (await session.execute(select(Release.id).where(Release.slug == "python-3150"))).scalar_one()
    assert (await client.get(f"/api/v1/downloads/release/{final_id}/")).json()["name"] == "Python 3.15.0"
    assert (await client.get(f"/api/v1/downloads/release/{draft_id}/")).status_code == 404
    assert (await client.get("/api/v1/downloads/release/99999999/")).status_code == 404
    schema = (await client.get("/api/v1/downloads/release_file/schema/")).json()
    assert schema["allowed_list_http_methods"] == ["get", "post", "delete"]
    assert schema["fields"]["os"]["related_type"] == "to_one" and schema["default_limit"] == 20
    subset = (await client.get(f"/api/v1/downloads/release/set/{final_id};{draft_id}/")).json()
    assert [o["name"] for o in subset["objects"]] == ["Python 3.15.0"] and subset["not_found"] == [str(draft_id)]
    assert (await client.get("/api/v1/downloads/release/set/x;y/")).status_code == 400
    root = (await client.get("/api/v1/")).json()
    assert root["downloads/release"]["list_endpoint"] == "/api/v1/downloads/release/"
    assert (await client.get("/api/v1/downloads/release", follow_redirects=False)).status_code == 301


async def test_v1_authentication(client: AsyncTestClient[Litestar], staff: Creds, member: Creds, app: Litestar) -> None:
    assert (await client.get("/api/v1/downloads/os/", headers=staff.v1)).status_code == 200
    for header in ("ApiKey api-staff", "ApiKey api-staff:wrong", "ApiKey a:b:c", "Basic xyz", "ApiKey nobody:abc"):
        response = await client.get("/api/v1/downloads/os/", headers={"Authorization": header})
        assert response.status_code == 401, header
    key = staff.v1["Authorization"].split(":", 1)[1]
    assert (await client.get(f"/api/v1/downloads/os/?username=api-staff&api_key={key}")).status_code == 401
    # staff see drafts through the API, guests and members do not
    total_staff = (await client.get("/api/v1/downloads/release/", headers=staff.v1)).json()["meta"]["total_count"]
    total_member = (await client.get("/api/v1/downloads/release/", headers=member.v1)).json()["meta"]["total_count"]
    assert total_staff == total_member + 1
    # members cannot write; inactive staff cannot authenticate
    body = {"name": "BeOS", "slug": "beos"}
    assert (await client.post("/api/v1/downloads/os/", json=body, headers=member.v1)).status_code == 401
    assert (await client.post("/api/v1/downloads/os/", json=body)).status_code == 401
    async with app.state.db_config.get_session() as session:
        user = (await session.execute(select(User).where(User.username == "api-staff"))).scalar_one()
        user.is_active = False
        await session.commit()
    assert (await client.get("/api/v1/downloads/os/", headers=staff.v1)).status_code == 401


async def test_v1_writes_validate_and_write_nothing_on_error(
    client: AsyncTestClient[Litestar], staff: Creds, app: Litestar
) -> None:
    windows = (await client.get("/api/v1/downloads/os/?slug=windows")).json()["objects"][0]["resource_uri"]
    release = (await client.get("/api/v1/downloads/release/?slug=python-3150")).json()["objects"][0]["resource_uri"]
    good = {
        "name": "Extra test file", "slug": "extra-test-file", "os": windows, "release": release,
        "url": f"{FTP}/extra-test.zip", "sha256_sum": "00" * 32, "filesize": 10, "is_source": False,
        "download_button": False,
    }  # fmt: skip
    before = await _count(app, ReleaseFile)
    bad_cases = [
        ({"url": "https://evil.example/x.zip"}, "url"),
        ({"gpg_signature_file": f"{FTP}/other.asc"}, "gpg_signature_file"),
        ({"os": "/api/v1/downloads/os/99999/"}, "os"),
        ({"release": "not a uri"}, "release"),
        ({"filesize": "big"}, "filesize"),
        ({"download_button": True}, "download_button"),  # Windows already has the button for 3.15.0
        ({"slug": "python-3150-python-3150-amd64exe"}, "slug"),
    ]
    for changes, field in bad_cases:
        response = await client.post("/api/v1/downloads/release_file/", json={**good, **changes}, headers=staff.v1)
        assert response.status_code == 400, changes
        body = response.json()
        assert field in body["release_file"] and field in body["error_message"]
    malformed = await client.post(
        "/api/v1/downloads/release_file/",
        content=b"{not json",
        headers={**staff.v1, "Content-Type": "application/json"},
    )
    assert malformed.status_code == 400
    missing = await client.post("/api/v1/downloads/release_file/", json={"name": "x"}, headers=staff.v1)
    assert missing.status_code == 400 and "url" in missing.json()["release_file"]
    assert await _count(app, ReleaseFile) == before

    created = await client.post("/api/v1/downloads/release_file/", json=good, headers=staff.v1)
    assert created.status_code == 201 and created.content == b""
    location = created.headers["location"]
    assert location.startswith("http://testserver.local/api/v1/downloads/release_file/")
    path = location.removeprefix("http://testserver.local")
    assert (await client.get(path)).json()["name"] == "Extra test file"
    assert (await client.delete(path)).status_code == 401
    assert (await client.delete(path, headers=staff.v1)).status_code == 204
    assert (await client.get(path)).status_code == 404
    assert await _count(app, ReleaseFile) == before


async def test_v1_list_delete_needs_exactly_one_release(
    client: AsyncTestClient[Litestar], staff: Creds, app: Litestar
) -> None:
    for query in ("", "?release=1&release=2", "?release=abc", "?os=1"):
        response = await client.delete(f"/api/v1/downloads/release_file/{query}", headers=staff.v1)
        assert response.status_code == 400, query
    assert (await client.delete("/api/v1/downloads/os/", headers=staff.v1)).status_code == 405


# -- v2 -------------------------------------------------------------------------------------------------------------
async def test_v2_lists_and_hyperlinks(client: AsyncTestClient[Litestar]) -> None:
    releases = (await client.get("/api/v2/downloads/release/")).json()
    assert isinstance(releases, list) and len(releases) == 210
    assert [r["name"] for r in releases] == sorted(r["name"] for r in releases)  # ordered by name, as Django
    first = releases[0]
    assert first["resource_uri"].startswith("http://testserver.local/api/v2/downloads/release/")
    assert first["release_date"].endswith("Z")
    files = (await client.get("/api/v2/downloads/release_file/?os=1")).json()
    assert files and files[0]["os"] == "http://testserver.local/api/v2/downloads/os/1/"
    assert files[0]["release"].startswith("http://testserver.local/api/v2/downloads/release/")
    detail = await client.get(files[0]["resource_uri"].removeprefix("http://testserver.local"))
    assert detail.status_code == 200 and detail.json() == files[0]
    # DRF's format suffix is echoed into the hyperlinks (format_suffix_patterns + reverse(format=...))
    suffixed = (
        await client.get(files[0]["resource_uri"].removeprefix("http://testserver.local").rstrip("/") + ".json")
    ).json()
    assert suffixed == {k: v.replace(v, v.rstrip("/") + ".json") if k in {"os", "release", "resource_uri"} else v
                        for k, v in files[0].items()}  # fmt: skip
    assert [o["name"] for o in (await client.get("/api/v2/downloads/os.json")).json()] == [
        o["name"] for o in (await client.get("/api/v2/downloads/os/")).json()
    ]
    assert (await client.get("/api/v2/pages/page.json?foo=1")).status_code == 400  # same filters as the list
    root = (await client.get("/api/v2/")).json()
    assert root["downloads/release"] == "http://testserver.local/api/v2/downloads/release/"
    assert (await client.get("/api/v2/downloads/release/999999/")).json() == {
        "detail": "No Release matches the given query."
    }


async def test_v2_filters(client: AsyncTestClient[Litestar]) -> None:
    published = (await client.get("/api/v2/downloads/release/?is_published=true&pre_release=false")).json()
    assert len(published) == 208
    # Release ignores unknown parameters (Renovate sends some); Page and ReleaseFile refuse them
    assert len((await client.get("/api/v2/downloads/release/?version=3&limit=5&order_by=x")).json()) == 189
    refused = await client.get("/api/v2/downloads/release_file/?limit=5")
    assert refused.status_code == 400
    # python.org's BaseFilterSet: a parameter without a lookup is field 'limit' with lookup 'exact'
    assert refused.json() == {"error": ["'exact' is not an allowed filter on the 'limit' field."]}
    assert (await client.get("/api/v2/pages/page/?foo=1")).status_code == 400
    assert len((await client.get("/api/v2/pages/page/?keywords__icontains=science")).json()) >= 1
    assert (await client.get("/api/v2/downloads/release_file/?os=abc")).status_code == 400
    assert (await client.get("/api/v2/downloads/release/?is_published=perhaps")).status_code == 400
    contains = (await client.get("/api/v2/downloads/release_file/?description__contains=Experimental")).json()
    assert contains and all("Experimental" in f["description"] for f in contains)


async def test_v2_auth_and_writes(
    client: AsyncTestClient[Litestar], staff: Creds, member: Creds, app: Litestar
) -> None:
    body = {"name": "Haiku", "slug": "haiku"}
    anonymous = await client.post("/api/v2/downloads/os/", json=body)
    assert anonymous.status_code == 401 and anonymous.json() == {
        "detail": "Authentication credentials were not provided."
    }
    assert "Token" in anonymous.headers["www-authenticate"]
    forbidden = await client.post("/api/v2/downloads/os/", json=body, headers=member.v2)
    assert forbidden.status_code == 403
    bad_token = await client.get("/api/v2/downloads/os/", headers={"Authorization": "Token nope"})
    assert bad_token.status_code == 401 and bad_token.json() == {"detail": "Invalid token."}
    # the session cookie of a staff user is not enough: the API ignores sessions
    assert (await client.post("/api/v2/downloads/os/", json=body, headers={"Cookie": "sessionid=x"})).status_code == 401

    created = await client.post("/api/v2/downloads/os/", json=body, headers=staff.v2)
    assert created.status_code == 201 and created.json()["slug"] == "haiku"
    path = created.json()["resource_uri"].removeprefix("http://testserver.local")
    duplicate = await client.post("/api/v2/downloads/os/", json=body, headers=staff.v2)
    assert duplicate.status_code == 400 and "slug" in duplicate.json()
    patched = await client.patch(path, json={"name": "Haiku OS"}, headers=staff.v2)
    assert patched.status_code == 200 and patched.json()["name"] == "Haiku OS"
    incomplete = await client.put(path, json={"slug": "haiku"}, headers=staff.v2)
    assert incomplete.status_code == 400 and incomplete.json() == {"name": ["This field is required."]}
    replaced = await client.put(path, json={"name": "Haiku", "slug": "haiku-os"}, headers=staff.v2)
    assert replaced.status_code == 200 and replaced.json()["slug"] == "haiku-os"
    assert (await client.post("/api/v2/downloads/os/", content=b"[1,", headers=staff.v2)).status_code == 400
    assert (await client.post("/api/v2/downloads/os/", json=[1, 2], headers=staff.v2)).status_code == 400
    assert (await client.delete(path, headers=member.v2)).status_code == 403
    assert (await client.delete(path, headers=staff.v2)).status_code == 204
    assert (await client.get(path)).status_code == 404
    # pages are read-only on v2
    assert (await client.post("/api/v2/pages/page/", json={"title": "x"}, headers=staff.v2)).status_code == 405


async def test_v2_release_file_rules_and_delete_by_release(
    client: AsyncTestClient[Litestar], staff: Creds, app: Litestar
) -> None:
    async with app.state.db_config.get_session() as session:
        os_id = (await session.execute(select(OS.id).where(OS.slug == "ios"))).scalar_one()
        release_id = (await session.execute(select(Release.id).where(Release.slug == "python-3160a1"))).scalar_one()
    base = "http://testserver.local/api/v2"
    url = "https://www.python.org/ftp/python/3.16.0/python-3.16.0a1-ios.tar.gz"
    body = {
        "name": "iOS framework", "slug": "ios-framework-test", "os": f"{base}/downloads/os/{os_id}/",
        "release": f"{base}/downloads/release/{release_id}/", "url": url, "download_button": True,
        "sbom_spdx2_file": url + ".spdx.json",
    }  # fmt: skip
    bad = await client.post("/api/v2/downloads/release_file/", json={**body, "sbom_spdx2_file": url}, headers=staff.v2)
    assert bad.status_code == 400 and "sbom_spdx2_file" in bad.json()
    created = await client.post("/api/v2/downloads/release_file/", json=body, headers=staff.v2)
    assert created.status_code == 201, created.text
    second = await client.post(
        "/api/v2/downloads/release_file/",
        json={**body, "slug": "ios-2", "url": url.replace(".tar.gz", ".zip"), "sbom_spdx2_file": ""},
        headers=staff.v2,
    )
    assert second.status_code == 400 and "download_button" in second.json()
    for query in ("", "?release=abc"):
        response = await client.delete(f"/api/v2/downloads/release_file/delete_by_release/{query}", headers=staff.v2)
        assert response.status_code == 400
    assert (
        await client.delete(f"/api/v2/downloads/release_file/delete_by_release/?release={release_id}")
    ).status_code == 401
    done = await client.delete(
        f"/api/v2/downloads/release_file/delete_by_release/?release={release_id}", headers=staff.v2
    )
    assert done.status_code == 204
    assert (await client.get(f"/api/v2/downloads/release_file/?release={release_id}")).json() == []
    # put the demo files back for the other tests
    from pydotorg.fixtures.downloads import _file_row, release_history

    spec = next(s for s in release_history() if s.slug == "python-3160a1")
    async with app.state.db_config.get_session() as session:
        oses = {o.slug: o.id for o in (await session.execute(select(OS))).scalars()}
        for file in spec.files:
            session.add(ReleaseFile(release_id=release_id, os_id=oses[file.os], **_file_row(spec, file)))
        await session.commit()


async def test_openapi_describes_both_apis(client: AsyncTestClient[Litestar]) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    for path in (
        "/api/v2/downloads/release",
        "/api/v2/downloads/release_file/delete_by_release",
        "/api/v1/downloads/release_file",
    ):
        assert path in paths, path
    assert "delete" in paths["/api/v1/downloads/release_file"] and "post" in paths["/api/v2/downloads/os"]
    assert json.dumps(schema).count("/accounts/") == 0  # HTML routes are not part of the API schema
    # Swagger renders the description as Markdown: the header formats are code spans, not HTML tags to swallow
    description = schema["info"]["description"]
    assert "`Authorization: Token <key>`" in description
    assert "`Authorization: ApiKey <username>:<key>`" in description
    # response bodies are described field by field, in each version's wire format
    listing = paths["/api/v2/downloads/release"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listing["type"] == "array" and listing["items"]["$ref"].endswith("/DownloadsReleaseV2")
    release = schema["components"]["schemas"]["DownloadsReleaseV2"]["properties"]
    assert release["is_latest"]["type"] == "boolean" and "resource_uri" in release
    v1 = schema["components"]["schemas"]["DownloadsReleaseFileListV1"]["properties"]
    assert set(v1) == {"meta", "objects"}
    assert "total_count" in schema["components"]["schemas"]["ListMeta"]["properties"]


async def test_release_writes_promote_latest_and_queue_the_side_effects(
    client: AsyncTestClient[Litestar], staff: Creds, app: Litestar
) -> None:
    body = {
        "name": "Python 2.7.19", "slug": "python-2719-test", "version": 2, "is_published": True, "is_latest": True,
        "release_date": "2026-11-20T10:00:00Z", "pre_release": False, "release_notes_url": "", "show_on_download_page": True,
    }  # fmt: skip
    created = await client.post("/api/v2/downloads/release/", json=body, headers=staff.v2)
    assert created.status_code == 201, created.text
    assert created.json()["release_date"] == "2026-11-20T10:00:00Z"
    path = created.json()["resource_uri"].removeprefix("http://testserver.local")
    try:
        latest = await client.get("/downloads/latest/python2", follow_redirects=False)
        assert latest.headers["location"] == "/downloads/release/python-2719-test/"
        async with app.state.db_config.get_session() as session:
            latest_rows = (
                (await session.execute(select(Release.slug).where(Release.version == 2, Release.is_latest.is_(True))))
                .scalars()
                .all()
            )
            assert latest_rows == ["python-2719-test"]
        bad = await client.post(
            "/api/v2/downloads/release/", json={**body, "slug": "x2", "version": 7}, headers=staff.v2
        )
        assert bad.status_code == 400 and "version" in bad.json()
        bad_date = await client.post(
            "/api/v2/downloads/release/", json={**body, "slug": "x3", "release_date": "31/02/2026"}, headers=staff.v2
        )
        assert bad_date.status_code == 400 and "release_date" in bad_date.json()
        page = await client.post(
            "/api/v2/downloads/release/",
            json={**body, "slug": "x4", "release_page": "http://testserver.local/api/v2/pages/page/999999/"},
            headers=staff.v2,
        )
        assert page.status_code == 400 and "release_page" in page.json()
    finally:
        assert (await client.delete(path, headers=staff.v2)).status_code == 204
        async with app.state.db_config.get_session() as session:
            await session.execute(update(Release).where(Release.slug == "python-2718").values(is_latest=True))
            await session.commit()


async def test_v1_page_writes(client: AsyncTestClient[Litestar], staff: Creds, app: Litestar) -> None:
    page = {"title": "API page", "path": "about/api-page", "content": "Made by *API*", "is_published": False}
    bad = await client.post("/api/v1/pages/page/", json={**page, "path": "/leading"}, headers=staff.v1)
    assert bad.status_code == 400 and "path" in bad.json()["page"]
    taken = await client.post("/api/v1/pages/page/", json={**page, "path": "about/apps"}, headers=staff.v1)
    assert taken.status_code == 400
    created = await client.post("/api/v1/pages/page/", json=page, headers=staff.v1)
    assert created.status_code == 201
    path = created.headers["location"].removeprefix("http://testserver.local")
    assert (await client.get(path)).status_code == 404  # unpublished: hidden from guests
    assert (await client.get(path, headers=staff.v1)).json()["title"] == "API page"
    assert (await client.delete(path, headers=staff.v1)).status_code == 204


async def test_api_throttles(seeded_settings: object, backend: str) -> None:
    from pydotorg.app import create_app

    if backend != "sqlite":
        pytest.skip("the throttle is store-based; one database is enough")
    settings = seeded_settings.model_copy(update={"api_v1_rate_limit": 3, "api_v2_rate_limit": 2})  # type: ignore[attr-defined]
    app = create_app(settings)
    with contextlib.suppress(FileNotFoundError):  # the folder exists once something was counted
        await app.stores.get("ratelimit").delete_all()  # other tests of this session counted too
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        v1 = [(await client.get("/api/v1/downloads/os/")).status_code for _ in range(4)]
        v2 = [(await client.get("/api/v2/downloads/os/", headers={"X-Test": "1"})) for _ in range(3)]
    await app.state.db_config.get_engine().dispose()
    assert v1 == [200, 200, 200, 429]
    assert [r.status_code for r in v2] == [200, 200, 429]
    detail = v2[-1].json()["detail"]
    assert detail.startswith("Request was throttled. Expected available in") and "retry-after" in v2[-1].headers


async def test_wrong_keys_cannot_lock_out_the_real_user(seeded_settings: object, backend: str) -> None:
    """Security finding 2: the v1 limit was keyed on the username an ``ApiKey`` header claims, so 600 requests with
    a wrong key locked the real release manager out for an hour. Limits are now keyed on verified identities;
    failed authentications count against the client's address."""
    from pydotorg.app import create_app

    if backend != "sqlite":
        pytest.skip("the throttle is store-based; one database is enough")
    settings = seeded_settings.model_copy(update={"api_v1_rate_limit": 3, "api_v2_rate_limit": 3})  # type: ignore[attr-defined]
    app = create_app(settings)
    with contextlib.suppress(FileNotFoundError):
        await app.stores.get("ratelimit").delete_all()
    await make_user(app, "lockout-target", is_staff=True)
    creds = await _creds(app, "lockout-target")
    try:
        async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
            wrong = {"Authorization": "ApiKey lockout-target:not-the-key"}
            attempts = [(await client.get("/api/v1/downloads/os/", headers=wrong)).status_code for _ in range(4)]
            assert attempts == [401, 401, 401, 429]  # the attacker's address is throttled
            # the real user, verified, still has their whole allowance
            real = [(await client.get("/api/v1/downloads/os/", headers=creds.v1)).status_code for _ in range(3)]
            assert real == [200, 200, 200]
            # v2: inventing a new token per request does not escape the address's limit either
            await app.stores.get("ratelimit").delete_all()
            guesses = [
                (await client.get("/api/v2/downloads/os/", headers={"Authorization": f"Token guess{i}"})).status_code
                for i in range(4)
            ]
            assert guesses == [401, 401, 401, 429]
            assert (await client.get("/api/v2/downloads/os/", headers=creds.v2)).status_code == 200
    finally:
        await delete_user(app, "lockout-target")
        await app.state.db_config.get_engine().dispose()


async def test_api_writes_need_the_admins_model_permissions(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    """Security finding 3: a staff user the admin refuses (no model permissions) could write through the APIs."""
    await make_user(app, "api-bare-staff", is_staff=True)
    try:
        creds = await _creds(app, "api-bare-staff")
        body = {"name": "Bare OS", "slug": "bare-os"}
        v1 = await client.post("/api/v1/downloads/os/", json=body, headers=creds.v1)
        assert v1.status_code == 401 and "permission" in v1.text
        v2 = await client.post("/api/v2/downloads/os/", json=body, headers=creds.v2)
        assert v2.status_code == 403 and v2.json() == {"detail": "You do not have permission to perform this action."}
        page = await client.post("/api/v1/pages/page/", json={"title": "x", "path": "x"}, headers=creds.v1)
        assert page.status_code == 401  # the raw-HTML page of the finding
        await grant(app, "api-bare-staff", perms=("downloads.add_os",))
        allowed = await client.post("/api/v2/downloads/os/", json=body, headers=creds.v2)
        assert allowed.status_code == 201, allowed.text
        async with app.state.db_config.get_session() as session:
            os_id = (await session.execute(select(OS.id).where(OS.slug == "bare-os"))).scalar_one()
        denied_delete = await client.delete(f"/api/v2/downloads/os/{os_id}/", headers=creds.v2)
        assert denied_delete.status_code == 403  # adding is not deleting
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(OS).where(OS.slug == "bare-os"))
            await session.commit()
        await delete_user(app, "api-bare-staff")


# -- tastypie's wire details (issue 15) ------------------------------------------------------------------------------
async def test_v1_json_bytes_are_tastypies(client: AsyncTestClient[Litestar]) -> None:
    # tastypie's Serializer.to_json: json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    import json

    response = await client.get("/api/v1/downloads/os/?limit=2")
    body = response.json()
    assert response.content == json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    assert response.text.startswith('{"meta": {"limit": 2, "next": "/api/v1/downloads/os/?limit=2&offset=2", ')
    assert list(body["objects"][0]) == ["name", "resource_uri", "slug"]


async def test_v1_schema_as_tastypie(client: AsyncTestClient[Litestar], staff: Creds) -> None:
    # get_schema runs the authorization on an empty object: OnlyPublishedAuthorization refuses an unpublished
    # (new) release to a non-staff caller, so the release schema needs staff credentials; pages default to published
    refused = await client.get("/api/v1/downloads/release/schema/")
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("text/html")
    schema = (await client.get("/api/v1/downloads/release/schema/", headers=staff.v1)).json()
    # Meta.filtering as declared, tastypie's ALL constant (1) included
    assert schema["filtering"] == {
        "name": ["exact"],
        "slug": ["exact"],
        "is_published": ["exact"],
        "pre_release": ["exact"],
        "version": ["exact", "startswith"],
        "release_date": [1],
    }
    files = (await client.get("/api/v1/downloads/release_file/schema/")).json()
    assert (files["filtering"]["os"], files["filtering"]["release"]) == (2, 2)  # ALL_WITH_RELATIONS
    assert (await client.get("/api/v1/pages/page/schema/")).status_code == 200


async def test_v1_and_unknown_api_404s_as_django(client: AsyncTestClient[Litestar]) -> None:
    # tastypie's HttpNotFound / HttpUnauthorized: Django's default HTML content type
    missing = await client.get("/api/v1/downloads/release/99999999/")
    assert missing.status_code == 404 and missing.headers["content-type"] == "text/html; charset=utf-8"
    anonymous_write = await client.post("/api/v1/downloads/os/", json={"name": "x"})
    assert anonymous_write.status_code == 401 and anonymous_write.headers["content-type"].startswith("text/html")
    # paths tastypie's and DRF's URL patterns do not match fall through to the site's HTML 404 page
    for path in ("/api/", "/api/v1/nothing/", "/api/v2/nothing/", "/api/v3/"):
        response = await client.get(path)
        assert response.status_code == 404 and "<title>Welcome to Python.org</title>" in response.text, path
    # a v2 object that does not exist is still DRF's JSON (get_object_or_404's message, as DRF passes it on)
    assert (await client.get("/api/v2/downloads/os/99999999/")).json() == {"detail": "No OS matches the given query."}


async def test_v2_format_negotiation_allow_header_and_405_as_drf(client: AsyncTestClient[Litestar]) -> None:
    # ?format=json: DRF keeps it in every hyperlink (preserve_builtin_query_params)
    listed = (await client.get("/api/v2/downloads/os/?format=json")).json()
    assert listed and all(o["resource_uri"].endswith("/?format=json") for o in listed)
    # python.org's BaseFilterSet sees ?format too: pages and release files refuse it, releases and OSes do not
    refused = await client.get("/api/v2/pages/page/?format=json")
    assert refused.json() == {"error": ["'exact' is not an allowed filter on the 'format' field."]}
    # no browsable API: any other renderer is DRF's 404
    for path in ("/api/v2/downloads/os/?format=api", "/api/v2/?format=api", "/api/v2/downloads/os/1/?format=api"):
        response = await client.get(path)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), path
    # the router's root with the suffix, and the suffix on the extra action
    root = (await client.get("/api/v2/.json")).json()
    assert root["downloads/os"] == "http://testserver.local/api/v2/downloads/os.json"
    deleted = await client.delete("/api/v2/downloads/release_file/delete_by_release.json?release=1")
    assert deleted.status_code == 401
    # DRF's Allow header on every response of a view, and its 405 wording
    assert (await client.get("/api/v2/downloads/os/")).headers["allow"] == "GET, POST, HEAD, OPTIONS"
    assert (await client.get("/api/v2/downloads/os/1/")).headers["allow"] == "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"
    assert (await client.get("/api/v2/pages/page/")).headers["allow"] == "GET, HEAD, OPTIONS"
    refused_post = await client.post("/api/v2/pages/page/", json={})
    assert refused_post.status_code == 405
    assert refused_post.json() == {"detail": 'Method "POST" not allowed.'}
    assert refused_post.headers["allow"] == "GET, HEAD, OPTIONS"


async def test_v1_xml_and_yaml_as_tastypie(client: AsyncTestClient[Litestar]) -> None:
    # tastypie's Serializer.to_xml / to_yaml for ?format=xml and ?format=yaml: never JSON under another label
    import yaml

    xml = await client.get("/api/v1/downloads/os/?format=xml&limit=1")
    assert xml.headers["content-type"] == "application/xml; charset=utf-8"
    assert xml.text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<response><meta type=\"hash\">")
    assert '<limit type="integer">1</limit>' in xml.text and '<previous type="null"/>' in xml.text
    assert '<objects type="list"><object type="hash"><name>' in xml.text
    json_body = (await client.get("/api/v1/downloads/os/1/")).json()
    as_yaml = await client.get("/api/v1/downloads/os/1/?format=yaml")
    assert as_yaml.headers["content-type"] == "text/yaml; charset=utf-8"
    assert yaml.safe_load(as_yaml.text) == json_body
    # errors keep their own type
    assert (await client.get("/api/v1/downloads/os/99999/?format=xml")).headers["content-type"].startswith("text/html")


async def test_v1_paginator_messages_as_tastypie(client: AsyncTestClient[Litestar]) -> None:
    # tastypie's Paginator.get_limit / get_offset wording, in a 400 {"error": ...}
    cases = {
        "limit=abc": "Invalid limit 'abc' provided. Please provide a positive integer.",
        "limit=-1": "Invalid limit '-1' provided. Please provide a positive integer >= 0.",
        "offset=abc": "Invalid offset 'abc' provided. Please provide an integer.",
        "offset=-1": "Invalid offset '-1' provided. Please provide a positive integer >= 0.",
    }
    for query, message in cases.items():
        response = await client.get(f"/api/v1/downloads/os/?{query}")
        assert (response.status_code, response.json()) == (400, {"error": message}), query
