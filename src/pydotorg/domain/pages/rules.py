"""What a CMS page's fields must be, for the admin and both APIs alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydotorg.db.models.pages import PAGE_TEMPLATES

PATH_MESSAGE = "Write the path without the leading '/' and without spaces, e.g. about/apps."


def page_errors(values: Mapping[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    path = str(values.get("path") or "")
    if path.startswith("/") or "//" in path or any(ch.isspace() for ch in path) or "\x00" in path:
        errors["path"] = PATH_MESSAGE
    template = str(values.get("template_name") or "")
    if template not in PAGE_TEMPLATES:
        allowed = ", ".join(repr(name) for name in PAGE_TEMPLATES if name)
        errors["template_name"] = f"Choose one of {allowed}, or leave it empty for the default."
    return errors
