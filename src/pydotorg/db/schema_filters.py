"""What schema comparisons (autogenerate, the migrations drift test) leave out."""

from __future__ import annotations

from typing import Any

#: Objects the search migration creates that no model describes: SQLite's FTS5 tables (their names start with this)
SEARCH_FTS_PREFIX = "search_fts"
#: and PostgreSQL's generated tsvector column and its index.
SEARCH_ENGINE_OBJECTS = frozenset({"search_vector", "ix_search_document_search_vector"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's ``include_object`` hook: leave the search engines' own objects out of a comparison."""
    if type_ == "table" and name and name.startswith(SEARCH_FTS_PREFIX):
        return False
    return not (name in SEARCH_ENGINE_OBJECTS and reflected)
