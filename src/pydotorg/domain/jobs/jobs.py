"""Background and periodic jobs of the job board: cache purges after moderation, expiry, the monthly report."""

from __future__ import annotations

import datetime
from collections import Counter
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update

from pydotorg.db.base import utcnow
from pydotorg.db.models.jobs import Job, JobStatus
from pydotorg.lib.jobs import JobContext, job
from pydotorg.lib.mail import Mail, deliver, render_mail
from pydotorg.web.changes import stale


class JobBoardJob(StrEnum):
    EXPIRE = "expire_jobs"
    MONTHLY_REPORT = "jobs_monthly_report"


@job(JobBoardJob.EXPIRE)
async def expire_jobs(ctx: JobContext, **_: Any) -> int:
    """Django's ``expire_jobs``: approved jobs whose expiry is ``job_threshold_days`` in the past become expired.
    (They already left the public lists at their expiry date; this tidies the status.)"""
    cutoff = utcnow() - datetime.timedelta(days=ctx.settings.job_threshold_days)
    async with ctx.session_factory() as session:
        result = await session.execute(
            update(Job)
            .where(Job.status == JobStatus.APPROVED, Job.expires <= cutoff)
            .values(status=JobStatus.EXPIRED, updated=utcnow())
            .execution_options(synchronize_session=False)
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:  # a bulk update loads no rows, so it says itself what it made stale
            stale(session, keys=["jobs"], urls=["/jobs/", "/jobs/feed/rss/"])
        await session.commit()
    return count


def _month_bounds(year: int, month: int) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime(year, month, 1, tzinfo=datetime.UTC)
    following = datetime.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=datetime.UTC)
    return start, following


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


async def monthly_counts(ctx: JobContext, year: int, month: int) -> Counter[str]:
    """Jobs created in that month of that year, by status (Django matched the month number in any year)."""
    start, end = _month_bounds(year, month)
    async with ctx.session_factory() as session:
        rows = await session.execute(
            select(Job.status, func.count()).where(Job.created >= start, Job.created < end).group_by(Job.status)
        )
        return Counter({str(status): int(count) for status, count in rows.all()})


@job(JobBoardJob.MONTHLY_REPORT)
async def jobs_monthly_report(ctx: JobContext, *, today: str | None = None, **_: Any) -> dict[str, Any]:
    """Django's ``jobs_monthly_report`` (scheduled on the 27th): per-status counts for this month and the last."""
    day = datetime.date.fromisoformat(today) if today else utcnow().date()
    this = (day.year, day.month)
    last = previous_month(*this)
    current, previous = await monthly_counts(ctx, *this), await monthly_counts(ctx, *last)
    statuses = [status.value for status in JobStatus]
    subject, body = render_mail(
        "jobs_monthly_report",
        this_month=datetime.date(*this, 1),
        last_month=datetime.date(*last, 1),
        rows=[(status, current[status], previous[status]) for status in statuses],
        total=(sum(current.values()), sum(previous.values())),
    )
    # already in a background job: deliver now (a failure fails this job, which is retried)
    mail = Mail(
        to=tuple(ctx.settings.jobs_report_to), subject=subject, body=body, from_email=ctx.settings.job_from_email
    )
    await deliver(mail, ctx.settings)
    return {"current": dict(current), "previous": dict(previous)}
