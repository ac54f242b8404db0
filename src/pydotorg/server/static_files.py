"""Our own CSS, JavaScript and images under ``/static/``, with content-hashed names and long cache headers.

A manifest maps ``css/site.css`` to ``css/site.3f2a9c1b.css`` once at start-up; templates ask for the hashed
name through ``static()``, which is served with ``Cache-Control: immutable`` for a year. The plain name still
works (for old links) with a short cache lifetime.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import quote

from litestar import Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.response import File, Redirect
from litestar.static_files import create_static_files_router

from pydotorg.settings import Settings
from pydotorg.web.media import MediaStorage

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"


class StaticManifest:
    def __init__(self, root: Path = STATIC_DIR) -> None:
        self.root = root
        self.hashed: dict[str, str] = {}  # logical name -> hashed name
        self.files: dict[str, Path] = {}  # hashed name -> file
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            logical = path.relative_to(root).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            stem, dot, suffix = logical.rpartition(".")
            hashed = f"{stem}.{digest}.{suffix}" if dot else f"{logical}.{digest}"
            self.hashed[logical] = hashed
            self.files[hashed] = path

    def url(self, logical: str) -> str:
        return f"/static/{self.hashed.get(logical, logical)}"

    def lookup(self, name: str) -> tuple[Path, str] | None:
        if name in self.files:
            return self.files[name], IMMUTABLE
        if name in self.hashed:
            return self.files[self.hashed[name]], SHORT
        return None


def build_static_handler(manifest: StaticManifest) -> HTTPRouteHandler:
    @get("/static/{name:path}", include_in_schema=False, opt={"append_slash": False}, sync_to_thread=False)
    def serve_static(name: str) -> Response[bytes] | File:
        found = manifest.lookup(name.lstrip("/"))
        if found is None:
            raise NotFoundException(detail="No such static file")
        path, cache_control = found
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return File(
            path=path,
            content_disposition_type="inline",
            media_type=media_type,
            headers={"Cache-Control": cache_control},
        )

    return serve_static


def build_favicon_handler(manifest: StaticManifest) -> HTTPRouteHandler:
    """``/favicon.ico`` at the root, where browsers and crawlers look for it (nginx served it there, a week's
    caching); ``/static/favicon.ico`` is the same file."""
    found = manifest.lookup("favicon.ico")
    if found is None:
        raise FileNotFoundError("static/favicon.ico is missing")
    path = found[0]

    @get("/favicon.ico", include_in_schema=False, opt={"append_slash": False}, sync_to_thread=False)
    def favicon() -> File:
        return File(
            path=path,
            content_disposition_type="inline",
            media_type="image/vnd.microsoft.icon",
            headers={"Cache-Control": "max-age=604800, public"},
        )

    return favicon


#: uploads are served as inert files: an SVG (or anything a browser might sniff as HTML) runs no script here
MEDIA_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
}


def media_router(settings: Settings) -> Router:
    """``/media/``: uploads from the media storage. Stored names are generated and never reused, so a year's
    immutable caching is safe (python.org's CDN keeps them too)."""

    async def inert(response: Response[Any]) -> Response[Any]:
        response.headers.update(MEDIA_HEADERS)
        return response

    storage = MediaStorage.from_settings(settings)
    return create_static_files_router(
        path=settings.media_url.rstrip("/"),
        directories=[storage.root],
        file_system=storage.base,
        resolve_symlinks=not settings.media_storage,
        include_in_schema=False,
        opt={"append_slash": False},
        cache_control=CacheControlHeader(max_age=31536000, public=True, immutable=True),
        after_request=inert,
    )


def legacy_media_redirect(settings: Settings) -> HTTPRouteHandler:
    """Django's ``/m/<path>/`` (``MediaMigrationView``): a permanent redirect to the file in today's media storage.
    ``.`` and ``..`` segments are dropped and the query string is not carried, as Django did; the target is built
    from the configured media URL (absolute from ``site_url`` when the media URL is a path), never from the Host."""
    base = settings.media_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        base = settings.site_url.rstrip("/") + "/" + base.lstrip("/")

    @get("/m/{url:path}", name="media_migration", include_in_schema=False, opt={"append_slash": False})
    async def redirect(url: str) -> Redirect:
        segments = [part for part in url.split("/") if part not in ("", ".", "..")]
        if not segments:
            raise NotFoundException("No such media file.")
        return Redirect(f"{base}/{quote('/'.join(segments))}", status_code=301)

    return redirect
