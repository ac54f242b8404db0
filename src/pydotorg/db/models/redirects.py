"""Legacy URL redirects (Django's ``django.contrib.redirects``): 301, or 410 Gone when ``new_path`` is empty."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base


class Redirect(Base):
    __tablename__ = "redirects_redirect"

    old_path: Mapped[str] = mapped_column(String(200), unique=True, index=True)
    new_path: Mapped[str] = mapped_column(String(200), default="")

    def __str__(self) -> str:
        return f"{self.old_path} ---> {self.new_path}"
