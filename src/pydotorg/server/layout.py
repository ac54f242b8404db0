"""Template engine set-up and what every HTML page needs: the site content snapshot, ``box()``, ``static()``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import partial
from typing import Any

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from pydotorg.server.site_content import SiteContent
from pydotorg.server.static_files import StaticManifest
from pydotorg.settings import Settings
from pydotorg.web.media import media_url, thumb_url
from pydotorg.web.site_content import ensure_site_content

EMPTY_CONTENT = SiteContent()


def _site(ctx: Mapping[str, Any], /) -> SiteContent:
    request = ctx.get("request")
    content = getattr(request.state, "site", None) if request is not None else None
    return content if isinstance(content, SiteContent) else EMPTY_CONTENT


def _site_part(ctx: Mapping[str, Any], template: str, /, **values: Any) -> Markup:
    """A layout part (``includes/main_nav.html``...) that depends only on the site content and ``values``:
    rendered once per site-content snapshot and set of values, not on every page."""
    site = _site(ctx)
    environment: Any = getattr(ctx, "environment")  # noqa: B009 - Jinja's context, typed here as a mapping
    key = (template, *sorted(values.items()))
    return site.part(key, lambda: environment.get_template(template).render(site=site, **values))


def _box(ctx: Mapping[str, Any], label: str, /) -> Markup:
    return _site(ctx).box(label)


def _sponsor_logos(ctx: Mapping[str, Any], place: str, /) -> list[Any]:
    """The enabled sponsorships' logos for a place on python.org (``jobs``, ``download``, ``sidebar``...)."""
    return _site(ctx).placements.logos(place)


def _sponsor_groups(ctx: Mapping[str, Any], /) -> list[Any]:
    """The sponsors wall: logos grouped by package, each group at its package's logo width."""
    return _site(ctx).placements.groups("sponsors")


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
        engine.register_template_callable("site_part", _site_part)
        engine.register_template_callable("sponsor_logos", _sponsor_logos)
        engine.register_template_callable("sponsor_groups", _sponsor_groups)
        engine.register_template_callable("get_flashes", _get_flashes)
        env = engine.engine
        env.globals.update(
            static=manifest.url,
            # a stored upload's path (``community/photos/x.png``) as a URL under the media mount, and its thumbnail
            media_url=partial(media_url, settings),
            thumb_url=partial(thumb_url, settings),
            SITE_NAME=settings.site_name,
            SITE_DESCRIPTION="The official home of the Python Programming Language",
            BLOG_URL="https://blog.python.org",
            current_year=lambda: datetime.datetime.now(datetime.UTC).year,
        )
        env.auto_reload = settings.debug  # production: compiled once, no stat of every template per render
        env.trim_blocks = True
        env.lstrip_blocks = True

    return callback


async def load_site_content(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook of the HTML routes."""
    await ensure_site_content(request)
