"""Blogs: ``update_blogs`` against feeds served by a local HTTP server (RSS, Atom, malformed, unreachable), the
blog box it regenerates, ``/blogs/`` and the home page's latest entries."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select

from pydotorg.db.models import BlogEntry, Box, Feed
from pydotorg.domain.blogs.services import SUPERNAV_BOX, parse_feed, rewrite_host, update_blogs
from pydotorg.settings import Settings
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("backend")

LONG_TITLE = "A very long title " * 20
RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test Insider</title><link>https://blog.example.org/</link>
<item><title>Python 3.99 released</title><link>https://pythoninsider.blogspot.com/2031/01/python-399.html</link>
  <description>&lt;p&gt;Get it now.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;a href="javascript:alert(2)"&gt;x&lt;/a&gt;</description>
  <pubDate>Tue, 07 Jan 2031 10:00:00 GMT</pubDate></item>
<item><title>{LONG_TITLE}</title><link>https://blog.example.org/long.html</link>
  <description>Long.</description><pubDate>Mon, 06 Jan 2031 10:00:00 GMT</pubDate></item>
<item><title>No real link</title><link>javascript:alert(3)</link><description>x</description></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom blog</title><id>urn:x</id><updated>2031-01-05T00:00:00Z</updated>
<entry><title>Atom entry</title><link href="https://atom.example.org/entry.html"/><id>urn:y</id>
<updated>2031-01-05T00:00:00Z</updated><content type="html">&lt;em&gt;atomic&lt;/em&gt;</content></entry></feed>"""
DOCUMENTS = {"/good.rss": RSS, "/atom.xml": ATOM, "/broken.xml": "<rss><channel><item><title>half"}


class FeedServer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = DOCUMENTS.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def feed_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FeedServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_feed_parsing_sanitises_and_skips_what_cannot_be_linked() -> None:
    title, entries = parse_feed(RSS.encode(), "https://blog.python.org")
    assert title == "Test Insider"
    assert [e.url for e in entries] == [
        "https://blog.python.org/2031/01/python-399.html",
        "https://blog.example.org/long.html",
    ]
    assert "<script" not in entries[0].summary and "javascript:" not in entries[0].summary
    assert "<p>Get it now.</p>" in entries[0].summary
    assert len(entries[1].title) == 200 and entries[1].title.endswith("…")
    with pytest.raises(ValueError, match="not a readable feed"):
        parse_feed(b"this is not xml at all <<<", "https://blog.python.org")
    assert rewrite_host("https://example.org/a", "https://blog.python.org") == "https://example.org/a"


async def test_update_blogs_upserts_entries_keeps_a_broken_feeds_and_regenerates_the_box(
    app: Litestar, client: AsyncTestClient[Litestar], seeded_settings: Settings, feed_server: str
) -> None:
    tag = unique("feed")
    settings = seeded_settings.model_copy(update={"python_blog_feed_url": f"{feed_server}/good.rss"})
    async with app.state.db_config.get_session() as session:
        box_before = (await session.execute(select(Box.content).where(Box.label == SUPERNAV_BOX))).scalar()
        good = Feed(name=f"{tag} good", website_url="https://blog.example.org/", feed_url=f"{feed_server}/good.rss")
        atom = Feed(name=f"{tag} atom", website_url="https://atom.example.org/", feed_url=f"{feed_server}/atom.xml")
        broken = Feed(name=f"{tag} broken", website_url="https://x/", feed_url=f"{feed_server}/broken.xml")
        gone = Feed(name=f"{tag} gone", website_url="https://x/", feed_url="http://127.0.0.1:1/feed.xml")
        session.add_all([good, atom, broken, gone])
        await session.flush()
        session.add(BlogEntry(feed_id=broken.id, title="Kept entry", url="https://x/kept", summary="kept"))
        await session.commit()
        feed_ids = [good.id, atom.id, broken.id, gone.id]
    try:
        async with app.state.db_config.get_session() as session:
            report = await update_blogs(session, settings)
            await session.commit()
        by_feed = {r.feed.removeprefix(f"{tag} "): r for r in report.feeds if r.feed.startswith(tag)}
        assert (by_feed["good"].new, by_feed["atom"].new) == (2, 1)
        assert by_feed["broken"].error and "not a readable feed" in by_feed["broken"].error
        assert by_feed["gone"].error and "could not download" in by_feed["gone"].error
        assert report.box
        async with app.state.db_config.get_session() as session:
            titles = set(
                (await session.execute(select(BlogEntry.title).where(BlogEntry.feed_id.in_(feed_ids)))).scalars()
            )
            box = (await session.execute(select(Box.content).where(Box.label == SUPERNAV_BOX))).scalar_one()
        assert {"Python 3.99 released", "Atom entry", "Kept entry"} <= titles
        assert "Python 3.99 released" in box and "https://blog.python.org/2031/01/python-399.html" in box
        # a second run finds nothing new and duplicates nothing
        async with app.state.db_config.get_session() as session:
            again = await update_blogs(session, settings)
            await session.commit()
        assert all((r.new, r.updated) == (0, 0) for r in again.feeds if r.feed.startswith(tag) and not r.error)
        page = await client.get("/blogs/")
        assert page.status_code == 200 and "Python 3.99 released" in page.text and "<script>alert" not in page.text
        assert page.headers["surrogate-key"] == "pydotorg-app blogs"
        home = await client.get("/")
        assert "Latest News" in home.text and "Python 3.99 released" in home.text
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Feed).where(Feed.id.in_(feed_ids)))
            if box_before is not None:
                box_row = (await session.execute(select(Box).where(Box.label == SUPERNAV_BOX))).scalar_one()
                box_row.content = box_before
            await session.commit()


def test_the_update_command_reports_each_feed(tmp_path: Path) -> None:
    from tests.integration.test_cli import _run

    assert _run("database", "upgrade", "--no-prompt", var_dir=tmp_path).returncode == 0
    result = _run("blogs", "update", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "related blogs refreshed" in result.stdout
