"""Admin registration of the redirects table (Django's ``redirects.Redirect``) and of the legacy nginx rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.redirects import LegacyRedirect, Redirect
from pydotorg.domain.admin.registry import ModelAdmin, register
from pydotorg.domain.redirects.legacy import MATCH_KINDS, STATUS_CODES, pattern_error


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


async def validate_legacy_redirect(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = pattern_error(form["match"].data or "", form["pattern"].data or "")
    if problem:
        errors["pattern"] = problem
    target = form["target"].data or ""
    if not (target.startswith("/") or target.startswith(("http://", "https://"))):
        errors["target"] = "An absolute path or a full http(s) URL."
    return errors


register(
    ModelAdmin(
        model=LegacyRedirect,
        app_label="redirects",
        model_name="legacyredirect",
        verbose_name="legacy redirect",
        verbose_name_plural="legacy redirects",
        list_display=["pattern", "match", "target", "status_code"],
        search_fields=["pattern", "target"],
        list_filter=["match", "status_code"],
        ordering="id",
        fields=["match", "pattern", "target", "status_code"],
        choices={
            "match": [(kind, kind) for kind in MATCH_KINDS],
            "status_code": [(code, str(code)) for code in STATUS_CODES],
        },
        help_texts={
            "pattern": "A path (exact, or a prefix as nginx's location /x) or a regular expression matched "
            "against the path; regular expressions are tried in id order, before the prefixes.",
            "target": "A path or a full URL; $1..$9 are the expression's groups, $args the query string.",
        },
        validate=validate_legacy_redirect,
    )
)
