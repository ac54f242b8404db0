"""Log lines a collector can read: one JSON object per line, carrying the request id of the request (or job) that
wrote it. The request id is set by the request middleware (``server/observability.py``) and travels with every
job the request enqueues (``lib/jobs.py``), so a failed mail can be traced back to the form post that sent it.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
from typing import Any

import msgspec

#: The id of the request or job being served in this context ("" outside one).
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("pydotorg_request_id", default="")

_ENCODER = msgspec.json.Encoder(enc_hook=str)  # anything else a caller passes is written as its str()

#: LogRecord attributes that are not a caller's ``extra`` fields.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (for text formats: ``%(request_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, the caller's ``extra`` fields and,
    for an exception, its traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id.get()
        if rid:
            entry["request_id"] = rid
        for key, val in vars(record).items():
            if key not in _STANDARD and key not in entry and key != "request_id":
                entry[key] = val
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry).decode()
