"""The job board's rules, without a database: every moderation transition and the view/edit/preview matrix."""

from __future__ import annotations

import datetime

import pytest

from pydotorg.db.base import utcnow
from pydotorg.db.models.jobs import EDITABLE_STATUSES, JOB_LIFETIME_DAYS, Job, JobStatus
from pydotorg.domain.jobs import services
from pydotorg.domain.users.auth import CurrentUser
from pydotorg.lib.errors import ConflictError

ALL = list(JobStatus)


def user(pk: int) -> CurrentUser:
    return CurrentUser(
        id=pk,
        username=f"u{pk}",
        email="",
        first_name="",
        last_name="",
        is_active=True,
        is_staff=False,
        is_superuser=False,
    )


@pytest.mark.parametrize("action", sorted(services.TRANSITIONS))
@pytest.mark.parametrize("status", ALL)
def test_each_action_from_each_status(action: str, status: JobStatus) -> None:
    target, allowed = services.TRANSITIONS[action]
    job = Job(job_title="t", status=status, expires=None)
    if status in allowed:
        assert services.moderate(job, action) == target
        assert job.status == target
    else:
        with pytest.raises(ConflictError, match="cannot be"):
            services.moderate(job, action)
        assert job.status == status  # a refused step changes nothing
        assert job.expires is None


def test_approval_publishes_for_ninety_days_and_keeps_a_later_expiry() -> None:
    job = Job(job_title="t", status=JobStatus.REVIEW, expires=None)
    services.moderate(job, "approve")
    assert job.expires is not None
    assert abs(job.expires - (utcnow() + datetime.timedelta(days=JOB_LIFETIME_DAYS))) < datetime.timedelta(minutes=1)
    later = utcnow() + datetime.timedelta(days=400)
    again = Job(job_title="t", status=JobStatus.REJECTED, expires=later)
    services.moderate(again, "approve")
    assert again.expires == later


@pytest.mark.parametrize("status", ALL)
def test_submit_for_review(status: JobStatus) -> None:
    job = Job(job_title="t", status=status)
    if status in EDITABLE_STATUSES:
        assert services.submit_for_review(job) is (status != JobStatus.REVIEW)
        assert job.status == JobStatus.REVIEW
    else:
        with pytest.raises(ConflictError):
            services.submit_for_review(job)
        assert job.status == status


@pytest.mark.parametrize("status", ALL)
def test_who_may_view_edit_and_preview(status: JobStatus) -> None:
    job = Job(job_title="t", status=status, creator_id=1, expires=utcnow() + datetime.timedelta(days=5))
    creator, stranger = user(1), user(2)
    visible = status == JobStatus.APPROVED
    assert services.can_view(job, None, admin=False) is visible
    assert services.can_view(job, stranger, admin=False) is visible
    assert services.can_view(job, creator, admin=False)
    assert services.can_view(job, stranger, admin=True)
    assert services.can_edit(job, creator, admin=False) is (status != JobStatus.APPROVED)
    assert not services.can_edit(job, stranger, admin=False)
    assert services.can_edit(job, stranger, admin=True)
    assert services.can_preview(job, creator, admin=False) is (status in EDITABLE_STATUSES)
    assert not services.can_preview(job, None, admin=False)
    assert services.can_preview(job, stranger, admin=True)
