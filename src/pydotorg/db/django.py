"""How a table of python.org's Django database maps onto ours, declared by the section that owns the table.

Each section lists its :class:`DjangoTable` mappings in its ``django.py`` and hands them to its ``SECTION``
(``django_tables=``); ``pydotorg import-django`` (``server/django_import.py``) reads them all. Most of our tables
carry Django's exact columns, so a mapping is usually just the two names; ``rename``, ``select`` and ``transform``
cover the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table

from pydotorg.db.base import Base

Row = dict[str, Any]


class SkipRow(Exception):
    """Raised by a transform: this row cannot be imported, for the reason given (it is reported)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DjangoTable:
    #: The Django table read.
    source: str
    #: Our table written (a model's ``__table__``, or a many-to-many ``Table``).
    target: Table
    #: Our column -> the Django column it comes from, where the names differ.
    rename: Mapping[str, str] = field(default_factory=dict)
    #: A whole ``SELECT`` (its columns named as ours) when the row needs a join, e.g. content types.
    select: str | None = None
    #: Values for our columns that Django does not have.
    defaults: Mapping[str, Any] = field(default_factory=dict)
    #: Our columns Django does not have and that stay ours: an insert takes their default, an update leaves
    #: them alone, and the verification checksum leaves them out (e.g. an edit ``version``).
    ours_only: tuple[str, ...] = ()
    #: Rewrites a row (already named as ours) or raises :class:`SkipRow`.
    transform: Callable[[Row], Row] | None = None
    #: Our columns that hold a path under the media root (files copied by ``--media-root``).
    media: tuple[str, ...] = ()
    #: The Django column that says when a row last changed (``--since`` reads only newer rows); None: the
    #: table is small and compared in full.
    changed_column: str | None = None
    #: The Django column that identifies a row, when it is not ``id`` (it becomes our ``id`` in ``select``).
    source_key: str = "id"

    @property
    def name(self) -> str:
        return self.target.name


def table_of(model: type[Base]) -> Table:
    """A model's table, typed as one (``__table__`` is typed as any ``FromClause``)."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a plain table")
    return table
