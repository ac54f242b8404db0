"""JSON error bodies in each API's dialect, and who is looking (staff see drafts)."""

from __future__ import annotations

import html
from typing import Any

from litestar import MediaType, Response
from litestar.connection import ASGIConnection

#: Statuses tastypie sends as its bare ``HttpResponse`` subclasses, with Django's default content type.
TASTYPIE_PLAIN_STATUSES = frozenset({401, 404, 405, 429})


def wants_json(request: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return request.url.path.startswith(("/api/", "/schema"))


def json_error(status_code: int, detail: str, extra: dict[str, Any] | None = None, *, path: str = "") -> Response[Any]:
    if path.startswith("/api/v2"):  # Django REST framework's error body
        headers = {"WWW-Authenticate": 'Token realm="api"'} if status_code == 401 else None
        return Response(content={"detail": detail}, status_code=status_code, media_type=MediaType.JSON, headers=headers)
    if path.startswith("/api/v1"):  # tastypie's
        if status_code in TASTYPIE_PLAIN_STATUSES:
            # tastypie answers these with a bare HttpResponse subclass (HttpUnauthorized, HttpNotFound, ...): an
            # HTML content type; the body here says why
            return Response(content=html.escape(detail), status_code=status_code, media_type=MediaType.HTML)
        return Response(content={"error": detail}, status_code=status_code, media_type=MediaType.JSON)
    return Response(
        content={"status_code": status_code, "detail": detail, **(extra or {})},
        status_code=status_code,
        media_type=MediaType.JSON,
    )


def viewer_is_staff(request: ASGIConnection[Any, Any, Any, Any]) -> bool:
    user = request.scope.get("user")
    return bool(getattr(user, "is_staff", False))
