"""Site search without a search server: PostgreSQL full-text search, or SQLite FTS5 in embedded mode.

Each section declares, per model, how a row becomes a search document (:func:`indexes`). A flush listener writes
the documents in the same transaction as the content, so the index is never stale (Django's was refreshed by a
cron); ``pydotorg search reindex`` rebuilds it all (after an import, or a change of a builder).

The documents live in ``search_document``. PostgreSQL keeps a weighted ``tsvector`` of title and body in a
generated column under a GIN index and answers ``websearch_to_tsquery``; SQLite keeps an FTS5 table over the same
rows, synchronised by triggers, queried with the words of the query only (so no input is an FTS syntax error).
Ranking multiplies the engine's relevance by Django's boosts (§3.8), with the age-dependent ones computed when the
query runs.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from pydotorg.db.base import Base, utcnow
from pydotorg.db.django import table_of
from pydotorg.db.models.search import SearchDocument

MAX_QUERY = 200
PER_PAGE = 20
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+", re.UNICODE)
_START, _STOP = "\x02", "\x03"


@dataclass(frozen=True)
class Doc:
    url: str
    title: str
    body: str = ""
    boost: float = 1.0
    #: When it happened (a release's date, an event's start): the query weighs age with it.
    date: datetime.datetime | None = None


#: How a row becomes a document: (the flush's connection, the row) -> a document, or None when the row must not
#: be found (a draft, an expired job).
Builder = Callable[[Connection, Any], Doc | None]
BUILDERS: dict[type[Base], tuple[str, Builder]] = {}


def indexes(model: type[Base], kind: str, build: Builder) -> None:
    """Declare once, in the section, how ``model``'s rows are found by search."""
    if model in BUILDERS and BUILDERS[model][0] != kind:
        raise ValueError(f"{model.__name__} is indexed twice")
    BUILDERS[model] = (kind, build)


def plain_text(markup: str | None, words: int | None = None) -> str:
    """Visible text of rendered HTML, optionally its first ``words`` words (Django's descriptions took 50)."""
    text_only = " ".join(html.unescape(_TAG.sub(" ", markup or "")).split())
    if words is not None:
        text_only = " ".join(text_only.split()[:words])
    return text_only


# -- writing, in the content's transaction ---------------------------------------------------------------------
def _write(conn: Connection, kind: str, object_id: int, doc: Doc | None) -> None:
    table = table_of(SearchDocument)
    conn.execute(delete(table).where(table.c.kind == kind, table.c.object_id == object_id))
    if doc is not None:
        conn.execute(
            table.insert().values(
                kind=kind,
                object_id=object_id,
                url=doc.url[:500],
                title=doc.title[:300],
                body=doc.body,
                boost=doc.boost,
                date=doc.date,
            )
        )


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    changed = [o for o in [*session.new, *session.dirty] if type(o) in BUILDERS]
    removed = [o for o in session.deleted if type(o) in BUILDERS]
    if not changed and not removed:
        return
    conn = session.connection()
    for obj in removed:
        _write(conn, BUILDERS[type(obj)][0], obj.id, None)
    for obj in changed:
        kind, build = BUILDERS[type(obj)]
        _write(conn, kind, obj.id, build(conn, obj))


async def reindex(session: AsyncSession, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Rebuild every document from the rows (documents of rows that are gone or hidden disappear)."""
    counts: dict[str, int] = {}
    for model, (kind, build) in BUILDERS.items():
        rows = list((await session.execute(select(model))).scalars())
        total = len(rows)

        def rebuild(sync: Session, rows: list[Any] = rows, kind: str = kind, build: Builder = build) -> int:
            conn = sync.connection()
            table = table_of(SearchDocument)
            conn.execute(delete(table).where(table.c.kind == kind))
            written = 0
            for row in rows:
                doc = build(conn, row)
                if doc is not None:
                    _write(conn, kind, row.id, doc)
                    written += 1
            return written

        counts[kind] = await session.run_sync(rebuild)
        if progress:
            progress(kind, total, total)
    return counts


# -- reading -------------------------------------------------------------------------------------------------------
class QueryProblem(ValueError):
    """A query that cannot be searched for; the message says why (shown to the visitor)."""


@dataclass(frozen=True)
class Result:
    kind: str
    url: str
    title: str
    snippet: str


@dataclass(frozen=True)
class Results:
    query: str
    items: list[Result]
    total: int
    number: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))


def check_query(query: str) -> list[str]:
    """The query's words; refuses what cannot be searched (empty, too long, operators only)."""
    if not query.strip():
        raise QueryProblem("Enter something to search for.")
    if len(query) > MAX_QUERY:
        raise QueryProblem(f"Search for {MAX_QUERY} characters at most.")
    words = _WORD.findall(query)
    if not words:
        raise QueryProblem("Search for words: operators and punctuation alone find nothing.")
    return words


def _highlight(snippet: str) -> str:
    """The engine marks matches with control characters: escape everything else, then mark them."""
    return html.escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>")


#: A job's document carries its expiry: past it, the job is no longer listed, and no longer found.
_LIVE = "NOT (d.kind = 'job' AND d.date IS NOT NULL AND d.date < :now)"
_AGE = """CASE
  WHEN d.kind = 'release' AND d.date >= :recent THEN 1.2
  WHEN d.kind = 'release' AND d.date >= :half_year THEN 1.1
  WHEN d.kind = 'release' AND d.date < :two_years THEN 0.8
  WHEN d.kind = 'event' AND d.date < :now THEN 0.9 / d.boost
  ELSE 1.0 END"""


def _times() -> dict[str, datetime.datetime]:
    now = utcnow()
    return {
        "now": now,
        "recent": now - datetime.timedelta(days=91),
        "half_year": now - datetime.timedelta(days=182),
        "two_years": now - datetime.timedelta(days=730),
    }


async def search(session: AsyncSession, query: str, number: int = 1) -> Results:
    words = check_query(query)
    offset = (max(number, 1) - 1) * PER_PAGE
    params: dict[str, Any] = {**_times(), "limit": PER_PAGE, "offset": offset}
    if session.bind.dialect.name == "postgresql":
        params["q"] = query
        match = f"d.search_vector @@ websearch_to_tsquery('english', :q) AND {_LIVE}"
        total = (await session.execute(text(f"SELECT count(*) FROM search_document d WHERE {match}"), params)).scalar()  # noqa: S608  (no input in the SQL)
        rows = await session.execute(
            text(
                "SELECT d.kind, d.url, d.title, ts_headline('english', d.body, websearch_to_tsquery('english', :q), "  # noqa: S608
                "'MaxFragments=2, MaxWords=25, MinWords=8, StartSel=\x02, StopSel=\x03') AS snippet "
                f"FROM search_document d WHERE {match} "
                f"ORDER BY ts_rank(d.search_vector, websearch_to_tsquery('english', :q)) * d.boost * {_AGE} DESC, "
                "d.id LIMIT :limit OFFSET :offset"
            ),
            params,
        )
    else:
        params["q"] = " ".join(f'"{w}"' for w in words)  # words only: nothing FTS5 could read as syntax
        total = (
            await session.execute(
                text(
                    "SELECT count(*) FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "  # noqa: S608
                    f"WHERE search_fts MATCH :q AND {_LIVE}"
                ),
                params,
            )
        ).scalar()
        rows = await session.execute(
            text(
                "SELECT d.kind, d.url, d.title, snippet(search_fts, 1, '\x02', '\x03', '…', 24) AS snippet "  # noqa: S608
                "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
                f"WHERE search_fts MATCH :q AND {_LIVE} ORDER BY bm25(search_fts, 10.0, 1.0) * d.boost * {_AGE}, d.id "
                "LIMIT :limit OFFSET :offset"
            ),
            params,
        )
    items = [Result(kind, url, title, _highlight(snippet or "")) for kind, url, title, snippet in rows]
    return Results(query=query, items=items, total=int(total or 0), number=max(number, 1))


async def suggest(session: AsyncSession, query: str, limit: int = 8) -> list[dict[str, str]]:
    """Titles that start with what was typed (the header's typeahead)."""
    prefix = query.strip().lower()[:MAX_QUERY]
    if len(prefix) < 2:
        return []
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    table = table_of(SearchDocument)
    rows = await session.execute(
        select(table.c.title, table.c.url)
        .where(func.lower(table.c.title).like(f"{escaped}%", escape="\\"))
        .order_by(table.c.boost.desc(), table.c.title)
        .limit(limit)
    )
    return [{"title": title, "url": url} for title, url in rows]


def kinds() -> Iterable[str]:
    return sorted({kind for kind, _ in BUILDERS.values()})
