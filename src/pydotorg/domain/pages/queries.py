"""Finding the CMS page or legacy redirect for a path that no route serves."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Page, Redirect
from pydotorg.db.models.pages import DEFAULT_TEMPLATE

#: Longer paths cannot be pages (``Page.path`` holds 500 characters) and are answered 404 without a query.
MAX_PATH_LENGTH = 502


def page_path_candidates(request_path: str) -> list[str]:
    """Django's lookup: the path without its leading slash, then with the trailing slash toggled."""
    key = request_path[1:]
    toggled = key[:-1] if key.endswith("/") else f"{key}/"
    return [c for c in (key, toggled) if c]


@dataclass(frozen=True)
class PageView:
    """What serving a CMS page reads of it: plain values, safe to keep between requests (web/fragments.py)."""

    id: int
    path: str
    title: str
    keywords: str
    description: str
    content: str
    content_rendered: str
    is_published: bool
    content_type: str
    template_name: str

    @property
    def template(self) -> str:
        return self.template_name or DEFAULT_TEMPLATE


#: One column query, in PageView's order (not the Page with its images and documents, which no page shows).
PAGE_COLUMNS = tuple(getattr(Page, name) for name in PageView.__dataclass_fields__)


async def find_page(session: AsyncSession, request_path: str, *, include_drafts: bool) -> PageView | None:
    if len(request_path) > MAX_PATH_LENGTH:
        return None
    candidates = page_path_candidates(request_path)
    if not candidates:
        return None
    query = select(*PAGE_COLUMNS).where(Page.path.in_(candidates))
    if not include_drafts:
        query = query.where(Page.is_published.is_(True))
    pages = {row.path: PageView(*row) for row in (await session.execute(query)).all()}
    for candidate in candidates:
        if candidate in pages:
            return pages[candidate]
    return None


@dataclass(frozen=True)
class RedirectTarget:
    new_path: str

    @property
    def gone(self) -> bool:
        return not self.new_path


async def find_redirect(session: AsyncSession, full_path: str) -> RedirectTarget | None:
    """The redirects table: the full path (with query), then with a slash appended, as Django's middleware."""
    if len(full_path) > 200:
        return None
    candidates = [full_path]
    path, _, query = full_path.partition("?")
    if not path.endswith("/"):
        candidates.append(f"{path}/" + (f"?{query}" if query else ""))
    rows = dict(
        (await session.execute(select(Redirect.old_path, Redirect.new_path).where(Redirect.old_path.in_(candidates))))
        .tuples()
        .all()
    )
    for candidate in candidates:
        if candidate in rows:
            return RedirectTarget(rows[candidate])
    return None
