"""Jobs waiting for the queue: what a web instance enqueued while Redis was unreachable.

A row is written instead of losing the job; the SAQ worker's ``flush_job_outbox`` moves the rows onto the queue
once Redis answers again (``server/jobs.py``). Rows are deleted as they are queued.
"""

from __future__ import annotations

import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, utcnow


class OutboxJob(Base):
    __tablename__ = "pydotorg_job_outbox"

    name: Mapped[str] = mapped_column(String(100))
    #: The job's keyword arguments, as JSON.
    kwargs: Mapped[str] = mapped_column(Text, default="{}")
    request_id: Mapped[str] = mapped_column(String(64), default="")
    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, index=True)
