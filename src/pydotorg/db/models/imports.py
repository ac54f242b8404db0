"""The record of each run of ``pydotorg import-django``: which Django database, when, and what it did."""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, utcnow


class ImportRun(Base):
    __tablename__ = "pydotorg_importrun"

    #: The source as ``host:port/dbname`` (never its credentials).
    source: Mapped[str] = mapped_column(String(300))
    #: ``full``, ``since`` (an incremental re-sync) or ``dry-run``.
    mode: Mapped[str] = mapped_column(String(20))
    started: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, index=True)
    finished: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    #: The verification report, as JSON.
    report: Mapped[str] = mapped_column(Text, default="")
