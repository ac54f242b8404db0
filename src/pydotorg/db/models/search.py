"""Search documents: one row per findable object, written in the object's own transaction (``web/search.py``).

PostgreSQL adds a generated ``search_vector`` column with a GIN index, SQLite an FTS5 table kept in step by
triggers (both made by the migration; the ORM never reads them).
"""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base


class SearchDocument(Base):
    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "object_id", name="uq_search_document_kind_object"),)

    kind: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    boost: Mapped[float] = mapped_column(Float, default=1.0)
    date: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
