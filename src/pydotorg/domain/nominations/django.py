"""Django's ``nominations`` tables, ids unchanged. Django allows NULL descriptions and statements (and their
rendered HTML); here they are empty text."""

from __future__ import annotations

from collections.abc import Callable

from pydotorg.db.django import DjangoTable, Row, table_of
from pydotorg.db.models import Election, ElectionKind, Nomination, Nominee


def _blank(*columns: str) -> Callable[[Row], Row]:
    def transform(row: Row) -> Row:
        for column in columns:
            if row.get(column) is None:
                row[column] = ""
        return row

    return transform


DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("nominations_electionkind", table_of(ElectionKind)),
    DjangoTable(
        "nominations_election",
        table_of(Election),
        transform=_blank("description", "_description_rendered"),
    ),
    DjangoTable("nominations_nominee", table_of(Nominee)),
    DjangoTable(
        "nominations_nomination",
        table_of(Nomination),
        transform=_blank("nomination_statement", "_nomination_statement_rendered"),
    ),
)
