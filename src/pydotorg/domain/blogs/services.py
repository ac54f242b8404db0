"""``update_blogs``: read every blog feed, upsert its entries, refresh the blog box and the related blogs.

Django's management command of the same name, as a background job (a SAQ cron with Redis, ``pydotorg blogs
update`` in embedded mode, the admin's "sync now"). Feeds are read with feedparser from a download bounded in time
and size; entries are upserted on (feed, URL), their HTML sanitised and their links moved from the old Blogger
host to the blog's own. A feed that cannot be read (unreachable, malformed) is reported and keeps its entries.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import feedparser
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import utcnow
from pydotorg.db.models import BlogEntry, Box, Feed, RelatedBlog
from pydotorg.lib.fetch import FetchError, fetch_capped
from pydotorg.lib.markup import sanitise
from pydotorg.settings import Settings

logger = logging.getLogger(__name__)

SUPERNAV_BOX = "supernav-python-blog"
OLD_BLOG_HOST = "pythoninsider.blogspot.com"
USER_AGENT = "python.org blog importer"
TITLE_LENGTH = 200
URL_LENGTH = 200
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), trim_blocks=True)


class BlogsJob(StrEnum):
    UPDATE = "update_blogs"


@dataclass
class FeedReport:
    feed: str
    new: int = 0
    updated: int = 0
    skipped: int = 0
    error: str | None = None

    def summary(self) -> str:
        if self.error:
            return f"{self.feed}: not updated ({self.error}); its entries are kept"
        return f"{self.feed}: {self.new} new, {self.updated} updated, {self.skipped} skipped"


@dataclass
class UpdateReport:
    feeds: list[FeedReport] = field(default_factory=list)
    box: bool = False
    related: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"feeds": [r.summary() for r in self.feeds], "box": self.box, "related_blogs": self.related}


@dataclass(frozen=True)
class ParsedEntry:
    title: str
    url: str
    summary: str
    published: datetime.datetime


def rewrite_host(url: str, blog_url: str) -> str:
    """Links to the old Blogger host point at the blog's own host (Django's ``update_blogs``)."""
    parts = urlsplit(url)
    if parts.hostname != OLD_BLOG_HOST:
        return url
    target = urlsplit(blog_url)
    return urlunsplit((target.scheme or parts.scheme, target.netloc, parts.path, parts.query, parts.fragment))


def _moment(entry: Any) -> datetime.datetime | None:
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            return datetime.datetime.fromtimestamp(calendar.timegm(value), tz=datetime.UTC)
    return None


def parse_feed(body: bytes, blog_url: str) -> tuple[str, list[ParsedEntry]]:
    """The feed's title and its usable entries. Raises ``ValueError`` for a document that is not a feed."""
    parsed = feedparser.parse(body)
    entries = []
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        if not link.startswith(("http://", "https://")):
            continue  # no usable link (or a javascript: one): nothing to point at
        url = rewrite_host(link, blog_url)
        if len(url) > URL_LENGTH:
            continue
        title = " ".join(str(entry.get("title") or url).split())
        content = entry.get("content")
        html = str(content[0].get("value") if content else entry.get("summary") or "")
        entries.append(
            ParsedEntry(
                title=title[: TITLE_LENGTH - 1] + "…" if len(title) > TITLE_LENGTH else title,
                url=url,
                summary=sanitise(html),
                published=_moment(entry) or utcnow(),
            )
        )
    if parsed.bozo and not entries:  # broken XML that yielded nothing usable
        reason = getattr(parsed, "bozo_exception", None)
        raise ValueError(f"not a readable feed: {reason}" if reason else "not a readable feed")
    return str(parsed.feed.get("title") or ""), entries


async def _download(url: str, settings: Settings) -> bytes:
    body, _, _ = await fetch_capped(
        url, seconds=settings.feed_timeout, limit=settings.feed_max_bytes, user_agent=USER_AGENT
    )
    return body


async def update_feed(session: AsyncSession, settings: Settings, feed: Feed) -> FeedReport:
    report = FeedReport(feed=feed.name)
    try:
        _, entries = parse_feed(await _download(feed.feed_url, settings), settings.python_blog_url)
    except (FetchError, ValueError) as exc:
        report.error = str(exc)
        logger.warning("blog feed %s not updated: %s", feed.feed_url, exc)
        return report
    existing = {
        row.url: row for row in (await session.execute(select(BlogEntry).where(BlogEntry.feed_id == feed.id))).scalars()
    }
    seen: set[str] = set()
    for item in entries:
        if item.url in seen:
            report.skipped += 1
            continue
        seen.add(item.url)
        row = existing.get(item.url)
        if row is None:
            session.add(
                BlogEntry(
                    feed_id=feed.id, title=item.title, url=item.url, summary=item.summary, pub_date=item.published
                )
            )
            report.new += 1
        elif (row.title, row.summary, row.pub_date) != (item.title, item.summary, item.published):
            row.title, row.summary, row.pub_date = item.title, item.summary, item.published
            report.updated += 1
    feed.last_import = utcnow()
    await session.flush()
    return report


async def regenerate_blog_box(session: AsyncSession, settings: Settings) -> bool:
    """The ``supernav-python-blog`` box from the newest entry of the Python Insider feed."""
    query = (
        select(BlogEntry)
        .join(Feed, Feed.id == BlogEntry.feed_id)
        .where(Feed.feed_url == settings.python_blog_feed_url)
        .order_by(BlogEntry.pub_date.desc())
        .limit(1)
    )
    latest = (await session.execute(query)).scalars().first()
    if latest is None:
        return False
    html = _env.get_template("blogs/supernav.html").render(entry=latest, blog_url=settings.python_blog_url)
    box = (await session.execute(select(Box).where(Box.label == SUPERNAV_BOX))).scalars().first()
    if box is None:
        session.add(Box(label=SUPERNAV_BOX, content=html, content_markup_type="html"))
        return True
    if (box.content, box.content_markup_type) == (html, "html"):
        return False
    box.content, box.content_markup_type = html, "html"
    return True


async def refresh_related(session: AsyncSession, settings: Settings) -> int:
    """Django's ``RelatedBlog.update_blog_data()``: each related blog's name and newest entry, from its feed."""
    refreshed = 0
    for blog in (await session.execute(select(RelatedBlog))).scalars():
        try:
            title, entries = parse_feed(await _download(blog.feed_url, settings), settings.python_blog_url)
        except (FetchError, ValueError) as exc:
            logger.warning("related blog %s not refreshed: %s", blog.feed_url, exc)
            continue
        if title:
            blog.blog_name = title[:200]
        if entries:
            newest = max(entries, key=lambda e: e.published)
            blog.last_entry_published, blog.last_entry_title = newest.published, newest.title[:500]
        refreshed += 1
    return refreshed


async def update_blogs(session: AsyncSession, settings: Settings) -> UpdateReport:
    """Every feed, then the box and the related blogs; the caller commits (pages and box purge on commit)."""
    report = UpdateReport()
    for feed in (await session.execute(select(Feed).order_by(Feed.id))).scalars().all():
        report.feeds.append(await update_feed(session, settings, feed))
    report.box = await regenerate_blog_box(session, settings)
    report.related = await refresh_related(session, settings)
    return report
