"""The in-process cache in front of the app: what it keeps, what it never keeps, and what a hit sends."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from litestar.stores.file import FileStore

from pydotorg.lib.versions import VersionStore
from pydotorg.server.local_cache import MAX_ENTRY_BYTES, LocalResponseCache, _accepts_gzip, build_entry
from pydotorg.web.cache import CACHEABLE_SCOPE_KEY

PAGE = b"<html>" + b"python " * 400 + b"</html>"


class Handler:
    cache: bool | int = True


class App:
    """Stands for the Litestar app behind the cache: counts calls, answers what it is told."""

    def __init__(self, body: bytes = PAGE, headers: list[tuple[bytes, bytes]] | None = None, **scope: Any) -> None:
        self.calls = 0
        self.body = body
        self.status = 200
        self.headers = headers if headers is not None else [(b"content-type", b"text/html; charset=utf-8")]
        self.scope = scope
        self.chunks = 1

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        scope.update(self.scope)
        await send({"type": "http.response.start", "status": self.status, "headers": list(self.headers)})
        size = len(self.body) // self.chunks + 1
        parts = [self.body[i : i + size] for i in range(0, len(self.body), size)] or [b""]
        for index, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": index < len(parts) - 1})


async def call(cache: LocalResponseCache, path: str = "/", **headers: str) -> tuple[int, dict[bytes, bytes], bytes]:
    scope = {
        "type": "http",
        "method": headers.pop("method", "GET"),
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"www.python.org")]
        + [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await cache(scope, receive, send)  # type: ignore[arg-type]
    start = sent[0]
    return start["status"], dict(start["headers"]), b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture
def versions(tmp_path: Path) -> VersionStore:
    return VersionStore(FileStore(tmp_path), interval=3600)


def make(app: App, versions: VersionStore, max_bytes: int = 1024 * 1024) -> LocalResponseCache:
    return LocalResponseCache(app, versions=versions, max_bytes=max_bytes, default_lifetime=60)  # type: ignore[arg-type]


async def test_a_cacheable_answer_is_kept_and_sent_in_the_encoding_asked(versions: VersionStore) -> None:
    app = App(route_handler=Handler())
    cache = make(app, versions)
    status, headers, body = await call(cache, accept_encoding="gzip, deflate")
    assert status == 200 and gzip.decompress(body) == PAGE
    assert headers[b"content-encoding"] == b"gzip" and headers[b"vary"] == b"Accept-Encoding"
    status, headers, body = await call(cache)  # a client without gzip: the same copy, plain
    assert (status, body, app.calls) == (200, PAGE, 1)
    assert b"content-encoding" not in headers and headers[b"content-length"] == str(len(PAGE)).encode()
    await versions.bump()  # the response cache was emptied somewhere
    await call(cache)
    assert app.calls == 2


async def test_a_gzip_answer_from_the_shared_cache_is_kept_plain_too(versions: VersionStore) -> None:
    app = App(
        body=gzip.compress(PAGE),
        headers=[(b"content-type", b"text/html"), (b"content-encoding", b"gzip"), (b"vary", b"Cookie")],
        route_handler=Handler(),
    )
    cache = make(app, versions)
    await call(cache, accept_encoding="gzip")
    _, headers, body = await call(cache, accept_encoding="identity")
    assert (body, app.calls) == (PAGE, 1)
    assert headers[b"vary"] == b"Cookie, Accept-Encoding"


@pytest.mark.parametrize(
    ("headers", "scope", "status", "request_headers"),
    [
        ([(b"set-cookie", b"csrftoken=abc")], {"route_handler": Handler()}, 200, {}),
        ([(b"cache-control", b"private, no-cache")], {"route_handler": Handler()}, 200, {}),
        ([], {"route_handler": None}, 200, {}),  # a route without cache=
        ([], {"route_handler": Handler()}, 404, {}),
        ([], {"route_handler": Handler()}, 200, {"cookie": "sessionid=abc"}),  # someone's own answer
        ([], {"route_handler": Handler()}, 200, {"authorization": "Token abc"}),
        ([], {"route_handler": Handler()}, 200, {"method": "POST"}),
        ([(b"content-encoding", b"br")], {"route_handler": Handler()}, 200, {}),
    ],
)
async def test_what_is_never_kept(
    versions: VersionStore,
    headers: list[tuple[bytes, bytes]],
    scope: dict[str, Any],
    status: int,
    request_headers: dict[str, str],
) -> None:
    app = App(headers=[(b"content-type", b"text/html"), *headers], **scope)
    app.status = status
    cache = make(app, versions)
    for _ in range(2):
        answer = await call(cache, **request_headers)
        assert answer[0] == status and answer[2] == PAGE
    assert app.calls == 2 and not cache.entries


async def test_marked_answers_and_route_lifetimes(versions: VersionStore) -> None:
    timed = Handler()
    timed.cache = 1
    app = App(route_handler=timed)
    cache = make(app, versions)
    await call(cache, "/timed/")
    assert app.calls == 1 and cache.entries
    for entry in cache.entries.values():
        entry.expires = 0.0  # its second has passed
    await call(cache, "/timed/")
    assert app.calls == 2
    cms = App(**{"route_handler": None, CACHEABLE_SCOPE_KEY: 30})  # a CMS page, kept by the 404 fallback
    cache = make(cms, versions)
    await call(cache, "/about/")
    await call(cache, "/about/")
    assert cms.calls == 1


async def test_the_least_recently_used_go_first(versions: VersionStore) -> None:
    app = App(route_handler=Handler())
    one = build_entry({"status": 200, "headers": app.headers}, PAGE, token=b"t", lifetime=60, now=0)
    assert one is not None
    cache = make(app, versions, max_bytes=one.size * 2 + 10)
    for path in ("/a/", "/b/", "/a/", "/c/"):
        await call(cache, path)
    assert [key[1] for key in cache.entries] == [b"/a/", b"/c/"]
    assert cache.size == sum(entry.size for entry in cache.entries.values()) <= cache.max_bytes
    huge = make(app, versions, max_bytes=100)  # no copy fits: nothing kept, every answer still sent
    assert (await call(huge))[2] == PAGE and not huge.entries


async def test_a_body_too_big_to_keep_is_passed_on(versions: VersionStore) -> None:
    big = b"x" * (MAX_ENTRY_BYTES + 10)
    app = App(body=big, route_handler=Handler())
    app.chunks = 3
    cache = make(app, versions, max_bytes=MAX_ENTRY_BYTES * 4)
    status, _, body = await call(cache)
    assert (status, body) == (200, big) and not cache.entries


def test_corrupt_gzip_is_not_kept() -> None:
    start = {"status": 200, "headers": [(b"content-encoding", b"gzip")]}
    assert build_entry(start, b"not gzip", token=b"t", lifetime=60, now=0) is None
    small = build_entry(
        {"status": 200, "headers": [(b"content-type", b"text/html")]}, b"tiny", token=b"t", lifetime=1, now=0
    )
    assert small is not None and small.gzipped is None  # under the compression threshold
    image = build_entry(
        {"status": 200, "headers": [(b"content-type", b"image/png")]}, PAGE, token=b"t", lifetime=1, now=0
    )
    assert image is not None and image.gzipped is None


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        (b"gzip", True),
        (b"gzip, deflate, br", True),
        (b"br;q=1.0, GZIP;q=0.5", True),
        (b"*", True),
        (b"gzip;q=0", False),
        (b"identity", False),
        (b"", False),
        (b"deflate, br", False),
    ],
)
def test_accept_encoding(value: bytes, accepted: bool) -> None:
    assert _accepts_gzip(value) is accepted


@given(st.binary(max_size=200))
def test_any_accept_encoding_header_is_read_without_error(value: bytes) -> None:
    assert _accepts_gzip(value) in (True, False)
