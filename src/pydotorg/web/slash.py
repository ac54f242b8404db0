"""Django's ``APPEND_SLASH``, as a ``before_request`` hook every HTML router uses."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Redirect


def append_slash(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """Django's APPEND_SLASH for our routes: ``/about`` answers 301 to ``/about/``.

    Litestar matches both spellings; routes whose canonical URL has no trailing slash (``/robots.txt``,
    ``/authenticated``, feeds) say so with ``opt={"append_slash": False}``.
    """
    if request.method not in {"GET", "HEAD"}:
        return None
    # raw_path keeps the slash Litestar's router ignores; some servers leave the query string on it.
    raw: bytes = (request.scope.get("raw_path") or request.scope["path"].encode()).split(b"?", 1)[0]
    if raw.endswith(b"/") or not request.route_handler.opt.get("append_slash", True):
        return None
    query = request.url.query
    # "//evil.example" would be a protocol-relative Location: an open redirect. Leading slashes collapse to one.
    path = "/" + raw.decode("latin-1").lstrip("/")
    return Redirect(path + "/" + (f"?{query}" if query else ""), status_code=301)
