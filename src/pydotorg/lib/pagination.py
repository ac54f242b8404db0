"""Django-style page numbers for list pages: ``?page=N`` (or ``?page=last``), 404 for a page that does not exist.

Queries are paginated in the database (a count and LIMIT/OFFSET).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from litestar.exceptions import NotFoundException
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    per_page: int
    total: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def is_paginated(self) -> bool:
        return self.num_pages > 1

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def page_number(raw: str | None, total: int, per_page: int) -> int:
    """Django's ``Paginator.validate_number``: 1 by default, ``last``, otherwise a valid number or 404."""
    pages = max(1, -(-total // per_page))
    if raw in (None, ""):
        return 1
    if raw == "last":
        return pages
    try:
        number = int(str(raw))
    except ValueError:
        raise NotFoundException("That page number is not an integer.") from None
    if number < 1 or number > pages:
        raise NotFoundException("That page contains no results.")
    return number


async def paginate_query(session: AsyncSession, query: Select[Any], raw_page: str | None, per_page: int) -> Page[Any]:
    total = (await session.execute(select(func.count()).select_from(query.order_by(None).subquery()))).scalar_one()
    number = page_number(raw_page, total, per_page)
    rows = (await session.execute(query.limit(per_page).offset((number - 1) * per_page))).scalars().unique().all()
    return Page(items=list(rows), number=number, per_page=per_page, total=total)
