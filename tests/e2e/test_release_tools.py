"""CPython's release tooling (python/release-tools ``add_to_pydotorg.py``) against a running server, over HTTP,
exactly as the script talks to python.org: ApiKey header, JSON bodies, 204 on the list DELETE, 201 + Location."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import httpx
import pytest

from tests.e2e.conftest import LiveSite

pytestmark = pytest.mark.e2e

VERSION = "3.14.1"
FTP = f"https://www.python.org/ftp/python/{VERSION}"


def _pydotorg(site: LiveSite, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pydotorg", *args],
        env={**site.env, "COLUMNS": "400"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def test_add_to_pydotorg_exchange(live_site: LiveSite) -> None:
    _pydotorg(
        live_site,
        "create-superuser", "--username", "release-manager", "--email", "rm@example.org", "--password-stdin",
        "--no-input", stdin="a long release passphrase\n",
    )  # fmt: skip
    found = re.search(
        r"ApiKey (release-manager:[0-9a-f]{40})", _pydotorg(live_site, "users", "credentials", "release-manager")
    )
    assert found
    headers = {"Authorization": f"ApiKey {found.group(1)}", "Content-Type": "application/json"}
    api = f"{live_site.base}/api/v1"

    with httpx.Client(headers=headers, timeout=30) as session:
        # the script looks the release up by name and parses the pk out of resource_uri
        response = session.get(f"{api}/downloads/release/", params={"name": f"Python {VERSION}"})
        assert response.status_code == 200
        release_uri = response.json()["objects"][0]["resource_uri"]
        release_pk = int(release_uri.rstrip("/").split("/")[-1])

        os_uris = {}
        for slug in ("source", "windows", "macos", "android", "ios"):
            response = session.get(f"{api}/downloads/os/", params={"slug": slug})
            assert response.status_code == 200
            os_uris[slug] = response.json()["objects"][0]["resource_uri"]

        # it deletes the old files of the release first and expects 204
        response = session.delete(f"{api}/downloads/release_file/", params={"release": release_pk})
        assert response.status_code == 204

        uploads = [
            ("source", f"Python-{VERSION}.tgz", True, True),
            ("source", f"Python-{VERSION}.tar.xz", True, False),
            ("windows", f"python-{VERSION}-amd64.exe", False, True),
            ("macos", f"python-{VERSION}-macos11.pkg", False, True),
            ("android", f"python-{VERSION}-aarch64-linux-android.tar.gz", False, False),
        ]
        for os_slug, filename, is_source, button in uploads:
            url = f"{FTP}/{filename}"
            data = {
                "name": filename,
                "slug": filename.replace(".", "-").lower(),
                "os": os_uris[os_slug],
                "release": release_uri,
                "description": "",
                "is_source": is_source,
                "url": url,
                "sha256_sum": "ab" * 32,
                "filesize": 12_345_678,
                "download_button": button,
                "sigstore_bundle_file": url + ".sigstore",
                "sbom_spdx2_file": url + ".spdx.json" if os_slug != "macos" else "",
            }
            response = session.post(f"{api}/downloads/release_file/", content=json.dumps(data))
            assert response.status_code == 201, response.text
            assert response.headers["Location"].startswith(f"{api}/downloads/release_file/")

        # an error comes back with the error_message the script prints
        bad = dict(data, slug="broken", url="https://example.com/evil.tgz")
        response = session.post(f"{api}/downloads/release_file/", content=json.dumps(bad))
        assert response.status_code == 400 and "url" in response.json()["error_message"]

    listed = httpx.get(f"{api}/downloads/release_file/", params={"release": release_pk}, timeout=30).json()
    assert sorted(o["name"] for o in listed["objects"]) == sorted(u[1] for u in uploads)
    page = httpx.get(f"{live_site.base}/downloads/release/python-3141/", timeout=30)
    assert page.status_code == 200 and f"python-{VERSION}-aarch64-linux-android.tar.gz" in page.text
