"""Requests must name a trusted host: the configured site's, ``PYDOTORG_ALLOWED_HOSTS``, or loopback in development.

Mail links, feeds and calendars are built from the configured site URL, never from the Host header; refusing
untrusted hosts as well keeps every other place that echoes the request's URL (redirects, the API's hyperlinks,
cache keys) on the site's own names. Litestar's allowed-hosts middleware is attached per route, so it does not see
the CMS pages and redirects the 404 fallback serves, and it compares the port too; this wrapper runs in front of
the whole app and compares host names only.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

REFUSAL = b"Bad Request: the Host header names a host this site does not serve."
NUL_REFUSAL = b"Bad Request: the query string holds a NUL character (%00), which no page or filter accepts."


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without the port (``[::1]:8000`` -> ``::1``), lower case."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def trusted(host: str, allowed: list[str]) -> bool:
    for pattern in allowed:
        if pattern in ("*", host):
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


class TrustedHosts:
    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in (ScopeType.HTTP, ScopeType.WEBSOCKET):
            header = next((value.decode("latin-1") for name, value in scope["headers"] if name == b"host"), "")
            if not trusted(host_name(header), self.allowed):
                if scope["type"] == ScopeType.WEBSOCKET:
                    await send({"type": "websocket.close", "code": 1008, "reason": "untrusted host"})
                    return
                await _bad_request(send, REFUSAL)
                return
            if scope["type"] == ScopeType.HTTP and b"%00" in scope["query_string"].lower().replace(b"\x00", b"%00"):
                # PostgreSQL refuses NUL in text, so any handler passing a parameter to a query would fail with a
                # 500 (Django's did); no python.org URL needs one.
                await _bad_request(send, NUL_REFUSAL)
                return
        await self.app(scope, receive, send)


async def _bad_request(send: Send, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})
