"""The sitemaps protocol (https://www.sitemaps.org/protocol.html): URL sets and the index that lists them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

#: The protocol's limit of URLs per file.
MAX_URLS = 50_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class SitemapEntry:
    #: A path on this site (``/downloads/release/python-3130/``).
    path: str
    lastmod: datetime.datetime | datetime.date | None = None


def _lastmod(value: datetime.datetime | datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
        text = moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    else:
        text = value.isoformat()
    return f"<lastmod>{text}</lastmod>"


def urlset(base: str, entries: Iterable[SitemapEntry]) -> bytes:
    rows = "".join(f"<url><loc>{escape(base + e.path)}</loc>{_lastmod(e.lastmod)}</url>" for e in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">{rows}</urlset>\n'.encode()


def index(base: str, files: Iterable[tuple[str, datetime.datetime | datetime.date | None]]) -> bytes:
    rows = "".join(f"<sitemap><loc>{escape(base + path)}</loc>{_lastmod(mod)}</sitemap>" for path, mod in files)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NAMESPACE}">{rows}</sitemapindex>\n'.encode()
