"""Each process's own copy of the cached answers it serves: a cache hit that never leaves the process.

The origin response cache (``web/cache.py``) lives in the shared store, so a hit there still costs a round trip to
Redis (or a file read), decoding, and the whole middleware stack: sessions, authentication, CSRF, routing. This
layer sits in front of all that and keeps, per process, the answers that cache would keep:

* only anonymous GETs (no session cookie, no ``Authorization``) are looked up or kept, and only an answer the app
  marked as the anonymous, cacheable one: a route with ``cache=`` (or a CMS page, :func:`web.cache.mark_cacheable`),
  status 200, no ``Set-Cookie``, nothing ``private`` or ``no-store``;
* every copy carries the response cache's version token from when it was made. Emptying the response cache (any
  content change, on any instance) writes a new token, and a copy made under another token is never served;
  ``lib/versions.py`` says how soon each process sees it (at once in embedded mode, within
  ``PYDOTORG_VERSION_CHECK_SECONDS`` across instances);
* a copy expires with the route's cache lifetime, and the least recently used go first once the copies exceed
  ``PYDOTORG_LOCAL_CACHE_MIB``;
* the body is kept twice, plain and gzip-compressed, compressed once when kept: a hit sends the one the client
  accepts, with ``Vary: Accept-Encoding``, whatever encoding the visitor who filled the cache asked for.

Everything outside it (the request id, the access log and metrics, the trusted-host check, HEAD) still applies to
every request. A hit is answered before the API rate limits, as a CDN's would be: the limits protect the work of
building an answer, which a hit does not do.
"""

from __future__ import annotations

import gzip
import time
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from pydotorg.lib.versions import VersionStore
from pydotorg.server.observability import CACHE
from pydotorg.web.cache import CACHEABLE_SCOPE_KEY, personal_request

#: Answers smaller than this are sent as they are (as the app's compression setting does).
COMPRESS_MIN_BYTES = 1024
#: A body above this is not kept: such a page is rare and would crowd out many others.
MAX_ENTRY_BYTES = 4 * 1024 * 1024
_COMPRESSIBLE = (b"text/", b"application/json", b"application/xml", b"application/rss", b"application/atom")
_DROPPED = frozenset((b"content-length", b"content-encoding", b"vary", b"transfer-encoding"))


@dataclass(slots=True)
class Entry:
    token: bytes
    expires: float
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    gzipped: bytes | None
    vary: bytes = b""

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + sum(len(k) + len(v) for k, v in self.headers)


def _accepts_gzip(value: bytes) -> bool:
    for part in value.lower().split(b","):
        coding, _, params = part.strip().partition(b";")
        if coding.strip() in (b"gzip", b"*"):
            quality = params.strip().removeprefix(b"q=").strip()
            return not quality or quality not in (b"0", b"0.0", b"0.00", b"0.000")
    return False


def build_entry(
    start: dict[str, Any], body: bytes, *, token: bytes, lifetime: float, now: float, level: int = 6
) -> Entry | None:
    """The copy of an answer, or None when it cannot be kept (an encoding other than gzip, a corrupt body)."""
    headers: list[tuple[bytes, bytes]] = []
    encoding = b""
    content_type = b""
    vary: list[bytes] = []
    for name, value in start.get("headers", []):
        lowered = name.lower()
        if lowered == b"vary":
            vary.extend(v.strip() for v in value.split(b",") if v.strip() and v.strip().lower() != b"accept-encoding")
        elif lowered == b"content-encoding":
            encoding = value.strip().lower()
        elif lowered == b"content-type":
            content_type = value.lower()
        if lowered not in _DROPPED:
            headers.append((lowered, value))
    gzipped: bytes | None
    if encoding == b"gzip":
        try:
            plain = gzip.decompress(body)
        except (OSError, EOFError, zlib.error):
            return None
        gzipped = body
    elif encoding in (b"", b"identity"):
        plain = body
        compress = len(body) >= COMPRESS_MIN_BYTES and content_type.startswith(_COMPRESSIBLE)
        gzipped = gzip.compress(body, compresslevel=level, mtime=0) if compress else None
    else:
        return None
    return Entry(token, now + lifetime, int(start["status"]), headers, plain, gzipped, b", ".join(vary))


class LocalResponseCache:
    def __init__(self, app: ASGIApp, *, versions: VersionStore, max_bytes: int, default_lifetime: int) -> None:
        self.app = app
        self.versions = versions
        self.max_bytes = max_bytes
        self.default_lifetime = default_lifetime
        self.entries: OrderedDict[tuple[bytes, bytes, bytes], Entry] = OrderedDict()
        self.size = 0
        self._hits = CACHE.labels("hit")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "GET" or personal_request(scope):
            await self.app(scope, receive, send)
            return
        host = b""
        gzip_ok = False
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == b"accept-encoding":
                gzip_ok = _accepts_gzip(value)
        key = (host, scope.get("raw_path") or scope["path"].encode(), scope["query_string"])
        token = self.versions.fresh() or await self.versions.current()
        entry = self.entries.get(key)
        if entry is not None:
            if entry.token == token and entry.expires > time.monotonic():
                self.entries.move_to_end(key)
                self._hits.inc()
                await self._send(entry, gzip_ok, send)
                return
            self._drop(key)
        await self._fill(scope, receive, send, key=key, token=token, gzip_ok=gzip_ok)

    async def _fill(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        key: tuple[bytes, bytes, bytes],
        token: bytes,
        gzip_ok: bool,
    ) -> None:
        """Run the app; keep its answer when it is the cacheable one, and send this client its encoding."""
        start: dict[str, Any] | None = None
        chunks: list[bytes] = []
        held = 0
        lifetime = 0

        async def capture(message: Message) -> None:
            nonlocal start, held, lifetime
            if message["type"] == "http.response.start":
                lifetime = self._lifetime(scope, cast("dict[str, Any]", message))
                if lifetime > 0:
                    start = cast("dict[str, Any]", message)
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                held += len(chunks[-1])
                if held > MAX_ENTRY_BYTES:  # too big to keep: send what is held and pass the rest on
                    await send(cast("Message", start))
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
                    start = None
                    chunks.clear()
                    if not message.get("more_body", False):
                        await send({"type": "http.response.body", "body": b"", "more_body": False})
                    return
                if message.get("more_body", False):
                    return
                entry = build_entry(start, b"".join(chunks), token=token, lifetime=lifetime, now=time.monotonic())
                if entry is None:
                    await send(cast("Message", start))
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": False})
                    return
                self._keep(key, entry)
                await self._send(entry, gzip_ok, send)
                return
            await send(message)

        await self.app(scope, receive, capture)

    def _lifetime(self, scope: Scope, start: dict[str, Any]) -> int:
        """Seconds the answer may be kept; 0 when it must not be."""
        if start["status"] != 200:
            return 0
        for name, value in start.get("headers", []):
            lowered = name.lower()
            if lowered == b"set-cookie":
                return 0
            if lowered == b"cache-control" and (b"private" in value or b"no-store" in value):
                return 0
        marked = cast("dict[str, Any]", scope).get(CACHEABLE_SCOPE_KEY)
        if isinstance(marked, int) and marked > 0:
            return marked
        handler = scope.get("route_handler")
        cache = getattr(handler, "cache", False)
        if cache is True:
            return self.default_lifetime
        if isinstance(cache, int) and cache > 0:
            return cache
        return 0

    def _keep(self, key: tuple[bytes, bytes, bytes], entry: Entry) -> None:
        self._drop(key)
        size = entry.size
        if size > self.max_bytes:
            return
        self.entries[key] = entry
        self.size += size
        while self.size > self.max_bytes:
            self._drop(next(iter(self.entries)))

    def _drop(self, key: tuple[bytes, bytes, bytes]) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= entry.size

    @staticmethod
    async def _send(entry: Entry, gzip_ok: bool, send: Send) -> None:
        headers = list(entry.headers)
        body = entry.body
        if entry.gzipped is not None:
            headers.append((b"vary", entry.vary + b", Accept-Encoding" if entry.vary else b"Accept-Encoding"))
            if gzip_ok:
                body = entry.gzipped
                headers.append((b"content-encoding", b"gzip"))
        elif entry.vary:
            headers.append((b"vary", entry.vary))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
