"""The job board: types, categories, jobs with their types, and review comments."""

from __future__ import annotations

from pydotorg.db.base import Base
from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import Job, JobCategory, JobReviewComment, JobType

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("jobs_jobtype", table_of(JobType)),
    DjangoTable("jobs_jobcategory", table_of(JobCategory)),
    DjangoTable("jobs_job", table_of(Job), changed_column="updated"),
    DjangoTable("jobs_job_job_types", Base.metadata.tables["jobs_job_job_types"]),
    DjangoTable("jobs_jobreviewcomment", table_of(JobReviewComment), changed_column="updated"),
)
