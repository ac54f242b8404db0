"""Job board rules: who may see and change a job, the moderation transitions and the mail each one sends.

Mail is asked for while the change is made and leaves only when the transaction commits (``web/changes.py``), so
a failed transaction sends nothing (Django sent the comment mail before the comment was saved).
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any

from litestar.connection import ASGIConnection
from sqlalchemy import Select, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.base import utcnow
from pydotorg.db.models.jobs import (
    EDITABLE_STATUSES,
    JOB_LIFETIME_DAYS,
    Job,
    JobCategory,
    JobReviewComment,
    JobStatus,
    JobType,
    job_job_types,
)
from pydotorg.db.models.users import User
from pydotorg.domain.users.auth import CurrentUser, groups_of, has_perm
from pydotorg.domain.users.guards import JOB_BOARD_ADMIN_GROUP
from pydotorg.lib.errors import ConflictError
from pydotorg.settings import Settings
from pydotorg.web.changes import mail_after_commit
from pydotorg.web.fragments import fragment

#: Moderation actions and the statuses each may start from.
TRANSITIONS: dict[str, tuple[JobStatus, frozenset[JobStatus]]] = {
    "approve": (JobStatus.APPROVED, frozenset({JobStatus.REVIEW, JobStatus.REJECTED, JobStatus.EXPIRED})),
    "reject": (JobStatus.REJECTED, frozenset({JobStatus.REVIEW, JobStatus.APPROVED})),
    "remove": (
        JobStatus.REMOVED,
        frozenset({JobStatus.DRAFT, JobStatus.REVIEW, JobStatus.APPROVED, JobStatus.REJECTED, JobStatus.EXPIRED}),
    ),
    "archive": (JobStatus.ARCHIVED, frozenset({JobStatus.APPROVED, JobStatus.EXPIRED})),
}
REVIEW_WINDOW_DAYS = 120


class JobBoardPermission(StrEnum):
    """The job board's permission names (``app_label.codename``), as the admin and the review pages check them."""

    CHANGE_JOB = "jobs.change_job"
    MODERATE = "jobs.can_moderate_jobs"


class WrongStateError(ConflictError):
    """A moderation step from a status that does not allow it (answered 409)."""


async def is_board_admin(connection: ASGIConnection[Any, Any, Any, Any], user: CurrentUser | None) -> bool:
    """Django's "jobs board admin": staff, superusers and the "Job Board Admin" group; also anyone granted the
    ``jobs.can_moderate_jobs`` permission (Django defined it but never checked it)."""
    if user is None or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if JOB_BOARD_ADMIN_GROUP in await groups_of(connection, user):
        return True
    return await has_perm(connection, user, JobBoardPermission.MODERATE)


# -- queries ----------------------------------------------------------------------------------------------------------
def job_options() -> list[Any]:
    return [selectinload(Job.category), selectinload(Job.job_types)]


def visible(now: datetime.datetime | None = None) -> Any:
    """Django's ``JobQuerySet.visible``: approved and not past its expiry."""
    return (Job.status == JobStatus.APPROVED) & (Job.expires >= (now or utcnow()))


def visible_jobs() -> Select[tuple[Job]]:
    return select(Job).where(visible()).options(*job_options()).order_by(Job.created.desc(), Job.id.desc())


def review_queue() -> Select[tuple[Job]]:
    cutoff = utcnow() - datetime.timedelta(days=REVIEW_WINDOW_DAYS)
    return (
        select(Job)
        .where(Job.status == JobStatus.REVIEW, Job.created >= cutoff)
        .options(*job_options())
        .order_by(Job.created, Job.id)
    )


def moderation_list(q: str | None) -> Select[tuple[Job]]:
    query = select(Job).where(Job.status != JobStatus.REVIEW).options(*job_options())
    if q:
        query = query.where(func.lower(Job.job_title).contains(q.lower()))
    return query.order_by(Job.created.desc(), Job.id.desc())


async def active_types(session: AsyncSession, *, with_jobs: bool = False) -> list[JobType]:
    query = select(JobType).where(JobType.active.is_(True)).order_by(JobType.name)
    if with_jobs:
        with_visible = select(job_job_types.c.jobtype_id).join(Job, Job.id == job_job_types.c.job_id).where(visible())
        query = query.where(JobType.id.in_(with_visible))
    return list((await session.execute(query)).scalars().all())


async def active_categories(session: AsyncSession, *, with_jobs: bool = False) -> list[JobCategory]:
    query = select(JobCategory).where(JobCategory.active.is_(True)).order_by(JobCategory.name)
    if with_jobs:
        query = query.where(JobCategory.id.in_(select(Job.category_id).where(visible())))
    return list((await session.execute(query)).scalars().all())


async def locations(session: AsyncSession) -> list[tuple[str, str, str]]:
    """Distinct (country, city, location slug) of visible jobs."""
    query = select(distinct(Job.country), Job.city, Job.location_slug).where(visible()).order_by(Job.country, Job.city)
    return [(row[0], row[1], row[2]) for row in (await session.execute(query)).all()]


async def sidebar(
    connection: ASGIConnection[Any, Any, Any, Any], session: AsyncSession, user: CurrentUser | None
) -> dict[str, Any]:
    """What every jobs page shows (Django's ``JobMixin`` context). The board's figures are the same for every
    visitor: built once per content change (web/fragments.py)."""

    async def board() -> dict[str, Any]:
        count = (await session.execute(select(func.count()).select_from(Job).where(visible()))).scalar_one()
        return {
            "jobs_count": count,
            "active_types": [_named(t) for t in await active_types(session, with_jobs=True)],
            "active_categories": [_named(c) for c in await active_categories(session, with_jobs=True)],
            "active_locations": await locations(session),
        }

    return {
        **await fragment(connection, "jobs:sidebar", board),
        "jobs_board_admin": await is_board_admin(connection, user),
    }


def _named(row: JobType | JobCategory) -> dict[str, str]:
    return {"slug": row.slug, "name": row.name}


async def get_job(session: AsyncSession, pk: int) -> Job | None:
    query = select(Job).where(Job.id == pk).options(*job_options(), selectinload(Job.review_comments))
    return (await session.execute(query)).scalars().first()


def can_view(job: Job, user: CurrentUser | None, admin: bool) -> bool:
    if admin or job.is_visible:
        return True
    return user is not None and job.creator_id == user.id


def can_edit(job: Job, user: CurrentUser | None, admin: bool) -> bool:
    """The creator while the job is not approved (Django's ``editable()`` queryset), or an admin."""
    if admin:
        return True
    return user is not None and job.creator_id == user.id and job.status != JobStatus.APPROVED


def can_preview(job: Job, user: CurrentUser | None, admin: bool) -> bool:
    if admin:
        return True
    return user is not None and job.creator_id == user.id and job.status in EDITABLE_STATUSES


# -- transitions --------------------------------------------------------------------------------------------------
def moderate(job: Job, action: str) -> JobStatus:
    """Apply a moderation action; raises 409 (and changes nothing) when the job is in the wrong state."""
    target, allowed = TRANSITIONS[action]
    if job.status not in allowed:
        done = "archived" if action == "archive" else f"{action}d"
        raise WrongStateError(f"A job that is {JobStatus(job.status).value} cannot be {done}.")
    job.status = target
    if target == JobStatus.APPROVED and (job.expires is None or job.expires < utcnow()):
        job.expires = utcnow() + datetime.timedelta(days=JOB_LIFETIME_DAYS)
    return target


def submit_for_review(job: Job) -> bool:
    """Django's ``Job.review()``: returns whether the status changed (only then is the team mailed)."""
    if job.status not in EDITABLE_STATUSES:
        raise WrongStateError("This job can no longer be submitted for review.")
    changed = job.status != JobStatus.REVIEW
    job.status = JobStatus.REVIEW
    return changed


# -- use cases: the change, and the mail that leaves when it commits ------------------------------------------------
# The job's pages, list and feed are purged by the cache registration in ``section.py`` on every commit.
def moderate_job(session: AsyncSession, settings: Settings, job: Job, action: str, actor: CurrentUser) -> JobStatus:
    """Approve, reject, archive or remove a job (the review pages, the admin's actions and the comment form)."""
    status = moderate(job, action)
    job.last_modified_by_id = actor.id
    if status in (JobStatus.APPROVED, JobStatus.REJECTED):
        mail_after_commit(
            session,
            "job_approved" if status == JobStatus.APPROVED else "job_rejected",
            _recipients(job.email, settings.jobs_email),
            from_email=settings.job_from_email,
            job=_job_context(job),
            reviewer=actor.username,
            site=_site(settings),
            job_url=f"{_site(settings)}/jobs/{job.id}/",
        )
    return status


def submit_job(session: AsyncSession, settings: Settings, job: Job) -> bool:
    """The submitter sends a draft for review; the team is mailed when its status changed."""
    changed = submit_for_review(job)
    if changed:
        mail_after_commit(
            session,
            "job_submitted",
            settings.jobs_email,
            from_email=settings.job_from_email,
            job=_job_context(job),
            review_url=f"{_site(settings)}/jobs/review/",
            job_url=f"{_site(settings)}/jobs/{job.id}/",
        )
    return changed


def comment_on_job(session: AsyncSession, settings: Settings, job: Job, comment: str, commenter: CurrentUser) -> None:
    """Django's ``comment_was_posted``: the submitter hears about an admin's comment; the team about the
    submitter's. A job whose creator was deleted is treated as commented on by an admin (Django crashed)."""
    session.add(
        JobReviewComment(job_id=job.id, comment=comment, creator_id=commenter.id, last_modified_by_id=commenter.id)
    )
    by_submitter = job.creator_id is not None and job.creator_id == commenter.id
    mail_after_commit(
        session,
        "job_comment_admin" if by_submitter else "job_comment",
        [settings.jobs_email] if by_submitter else _recipients(settings.jobs_email, job.email),
        from_email=settings.job_from_email,
        job=_job_context(job),
        comment=comment,
        commenter=commenter.username,
        job_url=f"{_site(settings)}/jobs/{job.id}/",
        site=_site(settings),
    )


def _site(settings: Settings) -> str:
    return str(settings.site_url).rstrip("/")


def _recipients(*addresses: str) -> list[str]:
    found: list[str] = []
    for address in addresses:
        if address and address.lower() not in {a.lower() for a in found}:
            found.append(address)
    return found


def _job_context(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "display_name": job.display_name,
        "job_title": job.job_title,
        "company_name": job.company_name or "",
        "location": job.display_location,
        "email": job.email,
        "status": job.status,
        "expires": job.expires.strftime("%Y-%m-%d") if job.expires else "",
    }


async def creator_name(session: AsyncSession, job: Job) -> str:
    if job.creator_id is None:
        return "(deleted user)"
    return str((await session.execute(select(User.username).where(User.id == job.creator_id))).scalar() or "")
