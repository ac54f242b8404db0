"""Redirects: Django's ``django.contrib.redirects`` table (exact paths, 301, or 410 Gone when ``new_path`` is
empty), and the legacy rules python.org's nginx served in front of Django (prefix and regular-expression
matches, 301 or 302), kept in a table of their own so the Django import, which mirrors ``django_redirect`` row
for row, never touches them."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base


class Redirect(Base):
    __tablename__ = "redirects_redirect"

    old_path: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    new_path: Mapped[str] = mapped_column(String(200), default="")

    def __str__(self) -> str:
        return f"{self.old_path} ---> {self.new_path}"


class LegacyRedirect(Base):
    """One nginx ``location`` rule: ``match`` is ``exact``, ``prefix`` (nginx's plain ``location /x``) or
    ``regex`` (``location ~ ...``, tried in id order before the prefixes, as nginx does). ``target`` may use the
    pattern's groups (``$1``) and nginx's ``$args`` and ``$is_args``."""

    __tablename__ = "redirects_legacyredirect"

    pattern: Mapped[str] = mapped_column(String(200), unique=True)
    match: Mapped[str] = mapped_column(String(10), default="prefix")
    target: Mapped[str] = mapped_column(String(500))
    status_code: Mapped[int] = mapped_column(Integer, default=301)

    def __str__(self) -> str:
        return f"{self.pattern} ---> {self.target} ({self.status_code})"
