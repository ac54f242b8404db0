"""Feature flags (the rows of django-waffle's ``Flag`` that python.org uses)."""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, utcnow


class Flag(Base):
    __tablename__ = "flags_flag"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: True: on for everyone; False: off for everyone; None: decided by the other columns.
    everyone: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    superusers: Mapped[bool] = mapped_column(Boolean, default=True)
    staff: Mapped[bool] = mapped_column(Boolean, default=False)
    authenticated: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    modified: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, onupdate=utcnow)

    def __str__(self) -> str:
        return self.name

    def is_active_for(self, *, is_authenticated: bool, is_staff: bool, is_superuser: bool) -> bool:
        if self.everyone is not None:
            return self.everyone
        return (
            (self.superusers and is_superuser) or (self.staff and is_staff) or (self.authenticated and is_authenticated)
        )
