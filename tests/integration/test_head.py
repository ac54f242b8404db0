"""HEAD answers wherever GET does, with the GET's status and headers and no body (Django's behaviour).

The test walks the whole route table, then the URLs no route serves: static files, media, the CMS fallback,
the redirects table and feeds.
"""

from __future__ import annotations

import re

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from pydotorg.web.forms import FORM_KEY

pytestmark = pytest.mark.usefixtures("backend")

#: A value for each kind of path parameter (most give a 404, which HEAD must give too).
SAMPLES = {"int": "1", "str": "python-events", "path": "x", "date": "2026-01-01"}
PARAM = re.compile(r"\{(\w+):(\w+)\}")


def get_routes(app: Litestar) -> list[tuple[str, bool]]:
    """Every GET route's path with sample parameters, and whether the page carries a form (and its CSRF cookie)."""
    found: dict[str, bool] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if "GET" in handler.http_methods:
                path = PARAM.sub(lambda m: SAMPLES.get(m.group(2), "x"), route.path)
                found[path] = bool(handler.opt.get(FORM_KEY))
    return sorted(found.items())


async def _compare(client: AsyncTestClient[Litestar], path: str, *, form: bool) -> None:
    get = await client.get(path, follow_redirects=False)
    head = await client.head(path, follow_redirects=False)
    assert head.status_code == get.status_code, path
    assert head.content == b"", path
    assert head.headers.get("content-type") == get.headers.get("content-type"), path
    assert head.headers.get("location") == get.headers.get("location"), path
    if not form:  # a form page's body carries a fresh CSRF token, so its length may differ
        assert head.headers.get("content-length") == get.headers.get("content-length"), path


async def test_head_on_every_get_route(app: Litestar, client: AsyncTestClient[Litestar]) -> None:
    routes = get_routes(app)
    assert len(routes) > 80
    for path, form in routes:
        await _compare(client, path, form=form)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about/apps/",  # a CMS page, served by the fallback
        "/about/apps",  # the slash redirect
        "/no-such-page/",  # the 404 page
        "/downloads/feed.rss",
        "/events/python-events/feed.ics",
        "/box/homepage-introduction/",
        "/api/v2/downloads/os/",
        "/static/css/site.css",
        "/robots.txt",
    ],
)
async def test_head_outside_the_route_table(client: AsyncTestClient[Litestar], path: str) -> None:
    get = await client.get(path, follow_redirects=False)
    assert get.status_code in {200, 301, 404}
    await _compare(client, path, form=False)
