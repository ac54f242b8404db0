"""Accounts. The fields of Django's ``users.User``; the accounts work builds on this table."""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, utcnow


class User(Base):
    __tablename__ = "users_user"

    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    password: Mapped[str] = mapped_column(String(255), default="")
    first_name: Mapped[str] = mapped_column(String(150), default="")
    last_name: Mapped[str] = mapped_column(String(150), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    date_joined: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    last_login: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)

    def __str__(self) -> str:
        return self.username
