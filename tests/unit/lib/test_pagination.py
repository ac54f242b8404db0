"""Django-style page numbers."""

from __future__ import annotations

import pytest
from litestar.exceptions import NotFoundException

from pydotorg.lib.pagination import Page, page_number


@pytest.mark.parametrize(
    ("raw", "total", "expected"),
    [(None, 0, 1), ("", 10, 1), ("2", 12, 2), ("last", 13, 3), ("last", 0, 1), ("1", 0, 1)],
)
def test_page_number(raw: str | None, total: int, expected: int) -> None:
    assert page_number(raw, total, 6) == expected


@pytest.mark.parametrize("raw", ["0", "4", "-1", "two", "1.5"])
def test_page_number_refuses(raw: str) -> None:
    with pytest.raises(NotFoundException):
        page_number(raw, 13, 6)


def test_page_properties() -> None:
    page = Page(items=["a", "b"], number=2, per_page=2, total=5)
    assert (page.num_pages, page.has_previous, page.has_next, page.is_paginated) == (3, True, True, True)
    assert list(page) == ["a", "b"] and len(page) == 2
    single = Page(items=[], number=1, per_page=6, total=0)
    assert (single.num_pages, single.has_previous, single.has_next, single.is_paginated) == (1, False, False, False)
