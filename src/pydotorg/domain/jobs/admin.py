"""Admin registrations of the job board, with the moderation actions on the job list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Response
from litestar.exceptions import PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.jobs import Job, JobCategory, JobReviewComment, JobStatus, JobType
from pydotorg.domain.admin.registry import ManyToMany, ModelAdmin, register
from pydotorg.domain.jobs import services
from pydotorg.domain.users.auth import current_user, has_perm

STATUS_CHOICES = [(status.value, status.label) for status in JobStatus]


def _moderation(action: str) -> Any:
    async def handler(request: Any, db_session: AsyncSession, rows: Sequence[Job]) -> Response[Any]:
        me = current_user(request)
        if me is None or not await has_perm(request, me, services.JobBoardPermission.CHANGE_JOB):
            raise PermissionDeniedException(
                f"You need the {services.JobBoardPermission.CHANGE_JOB.value!r} permission."
            )
        done: list[tuple[Job, JobStatus]] = []
        refused: list[str] = []
        settings = request.app.state.settings
        for job in rows:
            try:
                done.append((job, services.moderate_job(db_session, settings, job, action, me)))
            except services.WrongStateError as exc:
                refused.append(f"#{job.id}: {exc.message}")
        await db_session.commit()
        if done:
            flash(request, f"{len(done)} job(s) {JobStatus(done[0][1]).value}.", category="success")
        if refused:
            flash(request, "Unchanged: " + "; ".join(refused), category="error")
        return Redirect("/admin/jobs/job/")

    return handler


for vocabulary, model_name, singular, plural in (
    (JobType, "jobtype", "job type", "job types"),
    (JobCategory, "jobcategory", "job category", "job categories"),
):
    register(
        ModelAdmin(
            model=vocabulary,
            app_label="jobs",
            model_name=model_name,
            verbose_name=singular,
            verbose_name_plural=plural,
            list_display=["name", "slug", "active"],
            search_fields=["name", "slug"],
            list_filter=["active"],
            ordering="name",
            fields=["name", "slug", "active"],
            help_texts={"active": "Only active ones are offered on the job form and listed on /jobs/."},
        )
    )

register(
    ModelAdmin(
        model=Job,
        app_label="jobs",
        model_name="job",
        verbose_name="job",
        verbose_name_plural="jobs",
        list_display=["job_title", "company_name", "status", "created", "expires", "telecommuting"],
        search_fields=["id", "job_title", "company_name"],
        list_filter=["status", "telecommuting", "is_featured"],
        ordering="-created",
        fields=[
            "job_title",
            "company_name",
            "category_id",
            "job_types",
            "other_job_type",
            "city",
            "region",
            "country",
            "description",
            "description_markup_type",
            "requirements",
            "requirements_markup_type",
            "company_description",
            "company_description_markup_type",
            "contact",
            "email",
            "url",
            "status",
            "expires",
            "telecommuting",
            "agencies",
            "is_featured",
            "submitted_by_id",
        ],
        readonly_fields=["location_slug", "country_slug"],
        choices={"status": STATUS_CHOICES},
        fk_select={"category_id": JobCategory},
        many_to_many={"job_types": ManyToMany("job_types", JobType)},
        help_texts={
            "submitted_by_id": "The id of the submitting user (raw id).",
            "expires": "Set automatically to 90 days after approval when empty.",
        },
        related=[("Review comments", "jobs.jobreviewcomment", "job_id")],
        actions={
            "approve": ("Approve selected jobs", _moderation("approve")),
            "reject": ("Reject selected jobs", _moderation("reject")),
            "archive": ("Archive selected jobs", _moderation("archive")),
            "remove": ("Remove selected jobs", _moderation("remove")),
        },
    )
)

register(
    ModelAdmin(
        model=JobReviewComment,
        app_label="jobs",
        model_name="jobreviewcomment",
        verbose_name="job review comment",
        verbose_name_plural="job review comments",
        list_display=["job_id", "created", "comment"],
        search_fields=["comment"],
        ordering="-created",
        fields=["job_id", "comment", "comment_markup_type"],
    )
)
