"""Admin registration of the redirects table (Django's ``redirects.Redirect``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.redirects import Redirect
from pydotorg.domain.admin.registry import ModelAdmin, register


async def validate_redirect(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    old = form["old_path"].data or ""
    if not old.startswith("/"):
        return {"old_path": "This should be an absolute path, excluding the domain name, e.g. /events/search/."}
    return {}


register(
    ModelAdmin(
        model=Redirect,
        app_label="redirects",
        model_name="redirect",
        verbose_name="redirect",
        verbose_name_plural="redirects",
        list_display=["old_path", "new_path"],
        search_fields=["old_path", "new_path"],
        ordering="old_path",
        fields=["old_path", "new_path"],
        help_texts={"new_path": "An absolute path or a full URL. Leave empty to answer 410 Gone."},
        validate=validate_redirect,
    )
)
