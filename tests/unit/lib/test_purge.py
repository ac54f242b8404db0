"""The CDN purge client against a local HTTP server standing in for Fastly (same requests, on 127.0.0.1)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from pydotorg.lib.purge import PurgeClient
from pydotorg.settings import Settings


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str | None]] = []
    status = 200

    def _record(self) -> None:
        type(self).seen.append((self.command, self.path, self.headers.get("Fastly-Key")))
        self.send_response(type(self).status)
        self.end_headers()

    do_PURGE = do_POST = _record

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture
def fastly() -> Iterator[str]:
    Recorder.seen = []
    Recorder.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _settings(tmp_path: Path, base: str, **values: object) -> Settings:
    return Settings(var_dir=tmp_path, env="test", purge_site_url=base, fastly_api_url=base, **values)  # type: ignore[arg-type]


async def test_no_key_means_no_requests(tmp_path: Path, fastly: str) -> None:
    client = PurgeClient(_settings(tmp_path, fastly))
    await client.purge_url("/downloads/")
    await client.purge_surrogate_key("downloads")
    assert not client.enabled and Recorder.seen == []
    assert client.purged == ["/downloads/", "key:downloads"]


async def test_fastly_requests(tmp_path: Path, fastly: str) -> None:
    client = PurgeClient(_settings(tmp_path, fastly, fastly_api_key="k3y", fastly_service_id="svc"))
    await client.purge_url("/box/homepage-downloads/")
    await client.purge_surrogate_key("downloads")
    assert Recorder.seen == [
        ("PURGE", "/box/homepage-downloads/", "k3y"),
        ("POST", "/service/svc/purge/downloads", "k3y"),
    ]


async def test_without_service_id_the_key_is_purged_as_a_url(tmp_path: Path, fastly: str) -> None:
    client = PurgeClient(_settings(tmp_path, fastly, fastly_api_key="k3y"))
    await client.purge_surrogate_key("downloads")
    assert Recorder.seen == [("PURGE", "/downloads/", "k3y")]


async def test_failures_raise_so_the_job_retries(tmp_path: Path, fastly: str) -> None:
    Recorder.status = 503
    client = PurgeClient(_settings(tmp_path, fastly, fastly_api_key="k3y", fastly_service_id="svc"))
    with pytest.raises(httpx.HTTPStatusError):
        await client.purge_url("/downloads/")
