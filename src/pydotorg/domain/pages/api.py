"""The ``pages/page`` resource of both APIs (v2 is read-only, as on the Django site)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.pages import Page
from pydotorg.domain.api.resources import Resource, register
from pydotorg.domain.pages.rules import page_errors


async def validate_page(session: AsyncSession, values: dict[str, Any], obj: Any) -> dict[str, str]:
    errors = page_errors(values)
    if errors:
        return errors
    path = str(values.get("path") or "")
    query = select(Page.id).where(Page.path == path)
    if obj is not None:
        query = query.where(Page.id != obj.id)
    if (await session.execute(query.limit(1))).first() is not None:
        return {"path": "page with this path already exists."}
    return {}


register(
    Resource(
        name="pages/page",
        model=Page,
        fields=["title", "keywords", "description", "path", "content", "is_published", "template_name"],
        # Django's Page.content is a MarkupField: both APIs send its rendered HTML.
        read_from={"content": "content_rendered"},
        published_only=True,
        v1_filtering={
            "title": ("exact",),
            "keywords": ("exact", "icontains"),
            "path": ("exact",),
            "is_published": ("exact",),
        },
        v2_filters={
            "title": ("title", "exact"),
            "path": ("path", "exact"),
            "keywords": ("keywords", "exact"),
            "keywords__icontains": ("keywords", "icontains"),
            "is_published": ("is_published", "exact"),
        },
        v2_writable=False,
        v2_basename="page",
        # Django's Page.Meta.ordering.
        ordering=("title", "path"),
        validate=validate_page,
    )
)
