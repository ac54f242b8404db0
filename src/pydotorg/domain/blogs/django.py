"""Django's blogs tables, ids unchanged; entries' HTML is sanitised on the way in (it came from other sites)."""

from __future__ import annotations

from pydotorg.db.base import Base
from pydotorg.db.django import DjangoTable, Row, table_of
from pydotorg.db.models import BlogEntry, Feed, FeedAggregate, RelatedBlog
from pydotorg.lib.markup import sanitise


def _clean(row: Row) -> Row:
    row["summary"] = sanitise(row.get("summary") or "")
    return row


DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("blogs_feed", table_of(Feed)),
    DjangoTable("blogs_blogentry", table_of(BlogEntry), transform=_clean),
    DjangoTable("blogs_feedaggregate", table_of(FeedAggregate)),
    DjangoTable("blogs_feedaggregate_feeds", Base.metadata.tables["blogs_feedaggregate_feeds"]),
    DjangoTable("blogs_relatedblog", table_of(RelatedBlog), changed_column="updated"),
)
