"""``/sitemap.xml``: a sitemap index listing one file per section (``/sitemaps/<name>.xml``, split into
``<name>-2.xml``, ... past 50,000 URLs), built from what each section declares (``Section.sitemaps``).

Absolute URLs start at the configured site. Every file is cached like a page and purged with the section's
surrogate key, so a published release or story shows up at the next crawl. Django had no sitemap.
"""

from __future__ import annotations

import datetime
import re

from litestar import Controller, Response, get
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.lib.sitemap import MAX_URLS, SitemapEntry, index, urlset
from pydotorg.server import sections
from pydotorg.settings import Settings
from pydotorg.web.cache import cache_policy
from pydotorg.web.section import SitemapSource

XML = "application/xml; charset=utf-8"
#: A sitemap goes stale with the content it lists: the sections' surrogate keys purge it at the CDN (CMS pages
#: purge by URL, so their file also lives at most the CDN's lifetime).
CACHED = cache_policy("sitemap", "downloads", "events", "jobs", "successstories", "minutes", "blogs")
FILE_RE = re.compile(r"^([a-z0-9_]+?)(?:-([0-9]+))?\.xml$")


def _sources() -> dict[str, SitemapSource]:
    found: dict[str, SitemapSource] = {}
    for section in sections.SECTIONS:
        for name, source in section.sitemaps.items():
            if name in found or not re.fullmatch(r"[a-z0-9_]+", name):
                raise ValueError(f"sitemap {name!r} is declared twice or is not a plain name (a-z, 0-9, _)")
            found[name] = source
    return found


def _newest(entries: list[SitemapEntry]) -> datetime.datetime | datetime.date | None:
    moments = [e.lastmod for e in entries if e.lastmod is not None]
    return max(moments, key=_sortable) if moments else None


def _sortable(value: datetime.datetime | datetime.date) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    return datetime.datetime.combine(value, datetime.time(), tzinfo=datetime.UTC)


class SitemapController(Controller):
    include_in_schema = False
    opt = {"append_slash": False}

    @get("/sitemap.xml", name="sitemap", **CACHED)
    async def sitemap_index(self, db_session: AsyncSession, settings: Settings) -> Response[bytes]:
        files: list[tuple[str, datetime.datetime | datetime.date | None]] = []
        for name, source in _sources().items():
            entries = await source(db_session)
            chunks = max(1, -(-len(entries) // MAX_URLS))
            for number in range(1, chunks + 1):
                part = entries[(number - 1) * MAX_URLS : number * MAX_URLS]
                files.append((f"/sitemaps/{name}{'' if number == 1 else f'-{number}'}.xml", _newest(part)))
        return Response(index(settings.site_url.rstrip("/"), files), media_type=XML)

    @get("/sitemaps/{file:str}", name="sitemap_section", **CACHED)
    async def sitemap_file(self, file: str, db_session: AsyncSession, settings: Settings) -> Response[bytes]:
        match = FILE_RE.match(file)
        source = _sources().get(match.group(1)) if match else None
        if match is None or source is None:
            raise NotFoundException("No such sitemap.")
        number = int(match.group(2) or 1)
        entries = await source(db_session)
        part = entries[(number - 1) * MAX_URLS : number * MAX_URLS]
        if number < 1 or (number > 1 and not part):
            raise NotFoundException("No such sitemap.")
        return Response(urlset(settings.site_url.rstrip("/"), part), media_type=XML)
