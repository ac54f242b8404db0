"""Job listing properties that templates rely on."""

from __future__ import annotations

import datetime

import pytest

from pydotorg.db.base import utcnow
from pydotorg.db.models.jobs import Job, JobStatus


@pytest.mark.parametrize(
    ("status", "age_days", "new"),
    [
        (JobStatus.APPROVED, 1, True),
        (JobStatus.APPROVED, 60, False),
        (JobStatus.REVIEW, 1, False),
        (JobStatus.DRAFT, 1, False),
        (JobStatus.REJECTED, 1, False),
        (JobStatus.EXPIRED, 1, False),
    ],
)
def test_only_a_recent_published_job_is_new(status: JobStatus, age_days: int, new: bool) -> None:
    job = Job(job_title="Pythonista", status=status, created=utcnow() - datetime.timedelta(days=age_days))
    assert job.is_new is new
