"""``/sitemap.xml``: an index of one file per section, absolute URLs from the configured site, drafts left out."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete

from pydotorg.db.models import Release
from pydotorg.lib.sitemap import SitemapEntry, urlset
from tests.factories import build_release

pytestmark = pytest.mark.usefixtures("backend")
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


async def test_the_index_lists_every_sections_file_and_each_file_its_public_urls(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    async with app.state.db_config.get_session() as session:
        published, draft = build_release(), build_release(is_published=False)
        session.add_all([published, draft])
        await session.commit()
    try:
        response = await client.get("/sitemap.xml")
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
        assert "downloads" in response.headers["surrogate-key"]
        files = [loc.text or "" for loc in ET.fromstring(response.content).findall("s:sitemap/s:loc", NS)]
        assert "http://testserver.local/sitemaps/downloads.xml" in files
        assert {f.rsplit("/", 1)[1] for f in files} >= {
            "pages.xml",
            "downloads.xml",
            "events.xml",
            "jobs.xml",
            "successstories.xml",
            "minutes.xml",
            "blogs.xml",
        }
        for url in files:
            part = await client.get(url.removeprefix("http://testserver.local"))
            assert part.status_code == 200, url
            locs = [loc.text or "" for loc in ET.fromstring(part.content).findall("s:url/s:loc", NS)]
            assert locs and all(loc.startswith("http://testserver.local/") for loc in locs), url
        downloads = (await client.get("/sitemaps/downloads.xml")).text
        assert f"/downloads/release/{published.slug}/" in downloads
        assert f"/downloads/release/{draft.slug}/" not in downloads
        assert "<lastmod>" in downloads
        for missing in ("/sitemaps/nothing.xml", "/sitemaps/downloads-2.xml", "/sitemaps/downloads.txt"):
            assert (await client.get(missing)).status_code == 404, missing
        robots = await client.get("/robots.txt")
        assert "Sitemap: http://testserver.local/sitemap.xml" in robots.text
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Release).where(Release.id.in_([published.id, draft.id])))
            await session.commit()


def test_urls_are_escaped() -> None:
    body = urlset("https://www.python.org", [SitemapEntry("/a?b=1&c=<2>")]).decode()
    assert "<loc>https://www.python.org/a?b=1&amp;c=&lt;2&gt;</loc>" in body
