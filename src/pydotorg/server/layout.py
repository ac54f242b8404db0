"""Template engine set-up and what every HTML page needs: the site content snapshot, ``box()``, ``static()``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from markupsafe import Markup

from pydotorg.server.site_content import SiteContent
from pydotorg.server.static_files import StaticManifest
from pydotorg.settings import Settings

EMPTY_CONTENT = SiteContent()


async def ensure_site_content(request: Request[Any, Any, Any]) -> SiteContent:
    content: SiteContent | None = getattr(request.state, "site", None)
    if content is None:
        content = await request.app.state.site_content.get()
        request.state.site = content
    return content


def _site(ctx: Mapping[str, Any], /) -> SiteContent:
    request = ctx.get("request")
    content = getattr(request.state, "site", None) if request is not None else None
    return content if isinstance(content, SiteContent) else EMPTY_CONTENT


def _box(ctx: Mapping[str, Any], label: str, /) -> Markup:
    return _site(ctx).box(label)


def _site_content(ctx: Mapping[str, Any], /) -> SiteContent:
    return _site(ctx)


def _get_flashes(ctx: Mapping[str, Any], /) -> list[dict[str, str]]:
    """Messages queued with ``litestar.plugins.flash.flash`` (read once; only pages with a session have any)."""
    request = ctx.get("request")
    session = request.scope.get("session") if request is not None else None
    if not isinstance(session, dict):
        return []
    messages: list[dict[str, str]] = session.pop("_messages", [])
    return messages


def configure_engine(settings: Settings, manifest: StaticManifest) -> Any:
    def callback(engine: JinjaTemplateEngine) -> None:
        engine.register_template_callable("box", _box)
        engine.register_template_callable("site_content", _site_content)
        engine.register_template_callable("get_flashes", _get_flashes)
        env = engine.engine
        env.globals.update(
            static=manifest.url,
            SITE_NAME=settings.site_name,
            SITE_DESCRIPTION="The official home of the Python Programming Language",
            BLOG_URL="https://blog.python.org",
            current_year=lambda: datetime.datetime.now(datetime.UTC).year,
        )
        env.trim_blocks = True
        env.lstrip_blocks = True

    return callback


async def load_site_content(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook of the HTML routes."""
    await ensure_site_content(request)


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
    return Redirect(raw.decode("latin-1") + "/" + (f"?{query}" if query else ""), status_code=301)
