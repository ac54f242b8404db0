"""The job board at ``/jobs/``: listings, the review workflow and its mail, expiry and the monthly report."""

from sqlalchemy import Connection

from pydotorg.db.base import utcnow
from pydotorg.db.models.jobs import Job, JobCategory, JobReviewComment, JobStatus, JobType
from pydotorg.domain.jobs import admin, jobs  # noqa: F401  (register the admin and the background jobs)
from pydotorg.domain.jobs.controllers import JobsController
from pydotorg.domain.jobs.django import DJANGO_TABLES
from pydotorg.domain.jobs.jobs import JobBoardJob
from pydotorg.domain.jobs.sitemap import jobs_sitemap
from pydotorg.web.changes import invalidates
from pydotorg.web.live import ModerationQueue, moderation_queue
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section

SECTION = Section(
    sitemaps={"jobs": jobs_sitemap},
    django_tables=DJANGO_TABLES,
    name="jobs",
    pages=[JobsController],
    periodic_jobs={JobBoardJob.EXPIRE: "jobs_expire_cron", JobBoardJob.MONTHLY_REPORT: "jobs_report_cron"},
)

# What a change makes stale, whoever makes it (the job board, its admin, the expiry job).
invalidates(Job, keys=["jobs"], urls=lambda job: [f"/jobs/{job.id}/", "/jobs/", "/jobs/feed/rss/"])
for model in (JobType, JobCategory):
    invalidates(model, keys=["jobs"])


def _job_doc(_conn: Connection, job: Job) -> Doc | None:
    if job.status != JobStatus.APPROVED or (job.expires is not None and job.expires < utcnow()):
        return None
    place = ", ".join(filter(None, [job.city, job.region, job.country]))
    body = " ".join([job.company_name or "", place, plain_text(job.description_rendered)])
    return Doc(f"/jobs/{job.id}/", job.job_title, body, boost=1.1, date=job.expires)  # not found once expired


def _job_type_doc(_conn: Connection, row: JobType) -> Doc | None:
    return Doc(f"/jobs/type/{row.slug}/", f"{row.name} jobs", boost=1.3) if row.active else None


def _job_category_doc(_conn: Connection, row: JobCategory) -> Doc | None:
    return Doc(f"/jobs/category/{row.slug}/", f"{row.name} jobs", boost=1.4) if row.active else None


indexes(Job, "job", _job_doc)
indexes(JobType, "jobtype", _job_type_doc)
indexes(JobCategory, "jobcategory", _job_category_doc)

# Staff see new submissions and review comments arrive in the admin (web/live.py).
moderation_queue(
    ModerationQueue(
        name="jobs",
        label="Jobs awaiting review",
        admin_key="jobs.job",
        model=Job,
        pending=lambda: Job.status == JobStatus.REVIEW,
        title=lambda job: job.display_name,
        watch=(JobReviewComment,),
    )
)
