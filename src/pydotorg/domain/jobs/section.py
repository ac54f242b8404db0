"""The job board at ``/jobs/``: listings, the review workflow and its mail, expiry and the monthly report."""

from pydotorg.domain.jobs import admin, jobs  # noqa: F401  (register the admin and the background jobs)
from pydotorg.domain.jobs.controllers import JobsController
from pydotorg.web.section import Section

SECTION = Section(
    name="jobs",
    pages=[JobsController],
    periodic_jobs={"expire_jobs": "jobs_expire_cron", "jobs_monthly_report": "jobs_report_cron"},
)
