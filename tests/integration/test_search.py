"""``/search/``: documents written with the content, found with highlighted snippets, drafts never; clear
messages for queries that cannot be searched; the typeahead; the reindex command; the index in the plan."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select, text

from pydotorg.db.models import Release, SearchDocument
from pydotorg.web.search import reindex
from tests.factories import build_release, unique

pytestmark = pytest.mark.usefixtures("backend")


def _word() -> str:
    return unique("zebrafinch").replace("-", "")


async def test_content_is_found_as_soon_as_it_is_saved_and_drafts_never(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    word = _word()
    async with app.state.db_config.get_session() as session:
        release = build_release(content=f"This release teaches the {word} to sing.", content_markup_type="markdown")
        draft = build_release(is_published=False, content=f"Secret {word} draft.")
        session.add_all([release, draft])
        await session.commit()
    try:
        found = await client.get("/search/", params={"q": word})
        assert found.status_code == 200
        assert "1 result for" in found.text and release.name in found.text and draft.name not in found.text
        assert f"<mark>{word}</mark>" in found.text
        # an edit is searchable at once (the document is written in the same transaction)
        async with app.state.db_config.get_session() as session:
            row = await session.get_one(Release, release.id)
            row.name = f"Renamed {word} release"
            await session.commit()
        assert f"Renamed {word} release" in (await client.get("/search/", params={"q": word})).text
        suggestions = (await client.get("/search/suggest", params={"q": f"renamed {word}"[:12]})).json()
        assert any(s["url"] == f"/downloads/release/{release.slug}/" for s in suggestions)
        assert (await client.get("/search/suggest", params={"q": "r"})).json() == []
    finally:
        async with app.state.db_config.get_session() as session:
            for row in (await session.execute(select(Release).where(Release.id.in_([release.id, draft.id])))).scalars():
                await session.delete(row)
            await session.commit()
    # a deleted row is gone from the index with it
    assert "0 results for" in (await client.get("/search/", params={"q": word})).text


async def test_queries_that_cannot_be_searched_get_a_clear_message(client: AsyncTestClient[Litestar]) -> None:
    empty = await client.get("/search/")
    assert empty.status_code == 200 and "search-problem" not in empty.text
    assert "operators and punctuation" in (await client.get("/search/", params={"q": '"" -- ( ) *'})).text
    long = await client.get("/search/", params={"q": "python " * 40})
    assert long.status_code == 400 and "200 characters at most" in long.text
    for odd in ('python"', "NEAR(python", "python OR", "-python", "title:python", "*", "a'b"):
        assert (await client.get("/search/", params={"q": odd})).status_code in {200, 400}, odd
    assert (await client.get("/search/", params={"q": "python", "page": "x"})).status_code == 404
    assert (await client.get("/search/", params={"q": "python", "page": "999"})).status_code == 404


async def test_seeded_content_is_indexed_and_reindex_rebuilds_it(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    async with app.state.db_config.get_session() as session:
        kinds = set((await session.execute(select(SearchDocument.kind))).scalars())
        assert {"release", "event", "calendar", "job", "page", "story"} <= kinds
        counts = await reindex(session)
        await session.commit()
    assert counts["release"] > 0 and counts["page"] > 0
    page = await client.get("/search/", params={"q": "python"})
    assert page.status_code == 200 and "result" in page.text


async def test_the_query_uses_the_full_text_index(app: Litestar) -> None:
    async with app.state.db_config.get_session() as session:
        if session.bind.dialect.name == "postgresql":
            await session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = (
                (
                    await session.execute(
                        text(
                            "EXPLAIN SELECT id FROM search_document "
                            "WHERE search_vector @@ websearch_to_tsquery('english', 'python')"
                        )
                    )
                )
                .scalars()
                .all()
            )
            assert any("ix_search_document_search_vector" in line for line in plan), plan
        else:
            plan = (
                await session.execute(
                    text("EXPLAIN QUERY PLAN SELECT rowid FROM search_fts WHERE search_fts MATCH 'python'")
                )
            ).all()
            assert any("VIRTUAL TABLE INDEX" in str(row[-1]) for row in plan), plan
