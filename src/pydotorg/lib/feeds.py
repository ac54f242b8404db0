"""RSS 2.0 and Atom feeds from one description, written by feedgen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    description: str
    published: datetime.datetime | None
    guid: str


@dataclass(frozen=True)
class Feed:
    title: str
    link: str
    description: str
    self_url: str
    items: list[FeedItem] = field(default_factory=list)
    language: str = "en-us"

    def _generator(self) -> FeedGenerator:
        generator = FeedGenerator()
        generator.title(self.title)
        generator.link(href=self.self_url, rel="self")
        generator.link(href=self.link, rel="alternate")
        generator.description(self.description)
        generator.language(self.language)
        generator.id(self.link)
        newest = max((i.published for i in self.items if i.published), default=None)
        if newest is not None:
            generator.updated(newest)
            generator.lastBuildDate(newest)
        for item in reversed(self.items):  # feedgen prepends: keep the given order in the output
            entry = generator.add_entry()
            entry.title(item.title)
            entry.link(href=item.link)
            entry.description(item.description)
            entry.guid(item.guid, permalink=True)
            entry.id(item.guid)
            if item.published is not None:
                entry.pubDate(item.published)
                entry.updated(item.published)
        return generator

    def rss(self) -> bytes:
        data: bytes = self._generator().rss_str(pretty=True)
        return data

    def atom(self) -> bytes:
        data: bytes = self._generator().atom_str(pretty=True)
        return data

    def render(self, *, atom: bool = False) -> tuple[bytes, str]:
        """The document and its media type: Atom 1.0 or RSS 2.0."""
        if atom:
            return self.atom(), "application/atom+xml; charset=utf-8"
        return self.rss(), "application/rss+xml; charset=utf-8"
