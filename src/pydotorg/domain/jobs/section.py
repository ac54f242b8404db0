"""The job board at ``/jobs/``: listings, the review workflow and its mail, expiry and the monthly report."""

from pydotorg.db.models.jobs import Job, JobCategory, JobType
from pydotorg.domain.jobs import admin, jobs  # noqa: F401  (register the admin and the background jobs)
from pydotorg.domain.jobs.controllers import JobsController
from pydotorg.domain.jobs.django import DJANGO_TABLES
from pydotorg.domain.jobs.jobs import JobBoardJob
from pydotorg.domain.jobs.sitemap import jobs_sitemap
from pydotorg.web.changes import invalidates
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
