"""The periodic jobs SAQ's worker schedules: each is a registered job with a valid cron schedule from settings."""

from __future__ import annotations

from croniter import croniter

from pydotorg.lib.jobs import REGISTRY, saq_tasks
from pydotorg.server.jobs import PERIODIC_JOBS, periodic_jobs
from pydotorg.settings import Settings


def test_periodic_jobs_are_registered_and_scheduled() -> None:
    settings = Settings(env="test", jobs_report_cron="0 7 27 * *", ics_import_cron="*/30 * * * *")
    cron_jobs = periodic_jobs(settings, saq_tasks())
    assert (
        {job.function.__name__ for job in cron_jobs}
        == set(PERIODIC_JOBS)
        == {
            "import_ics_calendars",
            "expire_jobs",
            "jobs_monthly_report",
            "check_sponsorship_assets_due_date",
            "update_blogs",
            "flush_job_outbox",
        }
    )
    for job in cron_jobs:
        assert job.function.__name__ in REGISTRY
        assert croniter.is_valid(job.cron)
    schedules = {job.function.__name__: job.cron for job in cron_jobs}
    # Django's monthly report only went out on the 27th
    assert schedules["jobs_monthly_report"] == "0 7 27 * *"
    assert schedules["import_ics_calendars"] == "*/30 * * * *"
