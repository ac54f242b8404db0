"""The routers of every section: HTML pages with the layout, other mounts, documents and the APIs."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router

from pydotorg.server import sections
from pydotorg.server.health import HealthController
from pydotorg.server.layout import load_site_content
from pydotorg.server.observability import MetricsController
from pydotorg.server.sitemap import SitemapController
from pydotorg.web.slash import append_slash


def build_routers() -> list[Router]:
    listed = sections.SECTIONS  # read when the app is built, so a test can add a section
    routers = [build() for section in listed for build in section.routers]
    routers += [
        Router(path=path, route_handlers=list(handlers), before_request=_html_before_request)
        for section in listed
        for path, handlers in section.mounts
    ]
    pages = [handler for section in listed for handler in section.pages]
    documents = [handler for section in listed for handler in section.documents]
    documents += [SitemapController, HealthController, MetricsController]
    routers.append(Router(path="/", route_handlers=pages, before_request=_html_before_request))
    routers.append(Router(path="/", route_handlers=documents, before_request=append_slash))
    return routers


async def _html_before_request(request: Request[Any, Any, Any]) -> Response[Any] | None:
    redirect = append_slash(request)
    if redirect is not None:
        return redirect
    await load_site_content(request)
    return None
