"""No dead internal links: every link reachable from the home page of the seeded site (pages and feeds, as an
anonymous visitor) answers without a 404 or a 5xx. The menu and footer are on every page, so they are checked
from the first page on."""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

pytestmark = pytest.mark.usefixtures("backend")

HREF = re.compile(r"""(?:href|src)=["']([^"'#][^"']*)["']|<link>([^<]+)</link>""")
#: what a visitor's crawl does not follow: actions, admin, per-object API pages, search result pages
SKIP = re.compile(r"^/(admin|accounts/logout|api/v[12]/.+/.+|schema/|search/\?)|[?&]page=\d{2,}")
LIMIT = 1500


def _internal(link: str, base: str = "http://testserver.local") -> str | None:
    link = unescape(urldefrag(link)[0]).strip()
    if link.startswith(base):
        link = link[len(base) :] or "/"
    if not link.startswith("/") or link.startswith("//"):
        return None
    return link


async def test_every_internal_link_from_the_home_page_answers(client: AsyncTestClient[Litestar]) -> None:
    seen = {"/"}
    queue = deque([("/", "(start)")])
    broken: list[str] = []
    while queue and len(seen) < LIMIT:
        path, source = queue.popleft()
        response = await client.get(path, follow_redirects=True)
        if response.status_code == 404 or response.status_code >= 500:
            broken.append(f"{path} -> {response.status_code} (linked from {source})")
            continue
        kind = response.headers.get("content-type", "")
        if not any(t in kind for t in ("html", "xml", "rss", "atom")):
            continue
        # follow within this site only: a redirect may have left it
        if urlsplit(str(response.url)).netloc not in {"testserver.local", ""}:
            continue
        for match in HREF.finditer(response.text):
            link = _internal(match.group(1) or match.group(2))
            if link is None or link in seen or SKIP.search(link):
                continue
            seen.add(link)
            queue.append((link, path))
    assert len(seen) > 100, len(seen)
    assert not broken, broken


@pytest.mark.parametrize(
    ("path", "main_item", "top_item"),
    [
        ("/downloads/", "Downloads", "python-meta"),
        ("/downloads/release/python-3150/", "Downloads", "python-meta"),
        ("/events/", "Events", "python-meta"),
        ("/about/apps/", "About", "python-meta"),
        ("/jobs/", None, "jobs-meta"),
        ("/psf/membership/", None, "psf-meta"),
    ],
)
async def test_the_current_section_is_highlighted(
    client: AsyncTestClient[Litestar], path: str, main_item: str | None, top_item: str
) -> None:
    html = (await client.get(path)).text
    assert re.findall(r'<li class="meta-([a-z-]+) meta-active">', html) == [top_item]
    selected = re.findall(r'class="tier-1[^"]* selected">\s*<a href="[^"]+" title="[^"]*" aria-haspopup="true" '
                          r'aria-current="true">([^<]+)</a>', html)  # fmt: skip
    assert selected == ([main_item] if main_item else [])


async def test_cms_pages_have_a_breadcrumb_and_their_sections_menu(client: AsyncTestClient[Litestar]) -> None:
    html = (await client.get("/psf/membership/")).text
    assert re.search(r'<nav class="breadcrumbs"[^>]*><ol>\s*<li><a href="/">Home</a></li>\s*'
                     r'<li><a href="/psf/">The PSF</a></li>', html)  # fmt: skip
    sidebar = html[html.index('<aside class="section-sidebar"') :]
    assert '<li class="selected"><a href="/psf/membership/" aria-current="page">' in sidebar


async def test_the_job_board_has_its_menu_and_count(client: AsyncTestClient[Litestar]) -> None:
    html = (await client.get("/jobs/types/")).text
    assert '<li class="selected"><a href="/jobs/types/" aria-current="page">Types</a></li>' in html
    assert re.search(r'<p class="jobs-banner"><strong>\d+</strong> jobs? on the Python Job Board</p>', html)
