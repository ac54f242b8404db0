"""The job board: job types, categories, jobs and the moderators' review comments (Django's ``jobs`` app)."""

from __future__ import annotations

import datetime
import enum
from typing import ClassVar

from advanced_alchemy.types import DateTimeUTC
from advanced_alchemy.utils.text import slugify
from sqlalchemy import Boolean, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    NameSlug,
    association_table,
    markup_rendered_column,
    markup_type_column,
    utcnow,
)

#: Days an approved job stays listed (Django's ``Job.save``).
JOB_LIFETIME_DAYS = 90
#: A job counts as new for this many days.
NEW_JOB_DAYS = 30


class JobStatus(enum.StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    REMOVED = "removed"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return self.value.capitalize()


#: A submitter may still change a job in these states (Django's ``Job.editable``).
EDITABLE_STATUSES = frozenset({JobStatus.DRAFT, JobStatus.REVIEW, JobStatus.REJECTED})


class JobType(NameSlug, Base):
    __tablename__ = "jobs_jobtype"

    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)


class JobCategory(NameSlug, Base):
    __tablename__ = "jobs_jobcategory"

    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)


job_job_types = association_table("jobs_job_job_types", ("job_id", "jobs_job"), ("jobtype_id", "jobs_jobtype"))


class Job(ContentManageable, Base):
    __tablename__ = "jobs_job"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {
        "company_description": MarkupSpec(),
        "description": MarkupSpec(),
        "requirements": MarkupSpec(),
    }

    category_id: Mapped[int] = mapped_column(ForeignKey("jobs_jobcategory.id", ondelete="CASCADE"), index=True)
    other_job_type: Mapped[str] = mapped_column(String(100), default="")
    company_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    company_description: Mapped[str] = mapped_column(Text, default="")
    company_description_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    company_description_rendered: Mapped[str] = markup_rendered_column("company_description")
    job_title: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100), default="", index=True)
    region: Mapped[str] = mapped_column(String(100), default="", index=True)
    country: Mapped[str] = mapped_column(String(100), default="", index=True)
    location_slug: Mapped[str] = mapped_column(String(350), default="", index=True)
    country_slug: Mapped[str] = mapped_column(String(100), default="", index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    description_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    description_rendered: Mapped[str] = markup_rendered_column("description")
    requirements: Mapped[str] = mapped_column(Text, default="")
    requirements_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    requirements_rendered: Mapped[str] = markup_rendered_column("requirements")
    contact: Mapped[str | None] = mapped_column(String(100), nullable=True)
    email: Mapped[str] = mapped_column(String(254))
    url: Mapped[str | None] = mapped_column(String(200), nullable=True)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.REVIEW, index=True)
    expires: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True, index=True)
    telecommuting: Mapped[bool] = mapped_column(Boolean, default=False)
    agencies: Mapped[bool] = mapped_column(Boolean, default=True)
    is_featured: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    category: Mapped[JobCategory] = relationship(lazy="raise")
    job_types: Mapped[list[JobType]] = relationship(secondary=job_job_types, lazy="raise", order_by="JobType.name")
    review_comments: Mapped[list[JobReviewComment]] = relationship(
        back_populates="job", lazy="raise", passive_deletes=True, order_by="JobReviewComment.created"
    )

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.job_title}, {self.company_name}" if self.company_name else self.job_title

    @property
    def display_location(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)

    @property
    def is_new(self) -> bool:
        """A listing created in the last days, and published: a job still in review or a draft is not "New"."""
        recent = self.created is not None and self.created > utcnow() - datetime.timedelta(days=NEW_JOB_DAYS)
        return recent and self.status == JobStatus.APPROVED

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_visible(self) -> bool:
        return self.status == JobStatus.APPROVED and self.expires is not None and self.expires >= utcnow()

    def refresh_derived(self) -> None:
        """Django's ``Job.save``: the location slugs, and the expiry of a newly approved job."""
        self.location_slug = slugify(" ".join(part for part in (self.city, self.region, self.country) if part))
        self.country_slug = slugify(self.country or "")
        if self.status == JobStatus.APPROVED and self.expires is None:
            self.expires = utcnow() + datetime.timedelta(days=JOB_LIFETIME_DAYS)


class JobReviewComment(ContentManageable, Base):
    __tablename__ = "jobs_jobreviewcomment"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"comment": MarkupSpec()}

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs_job.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    comment_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    comment_rendered: Mapped[str] = markup_rendered_column("comment")

    job: Mapped[Job] = relationship(back_populates="review_comments", lazy="raise")

    def __str__(self) -> str:
        return self.comment[:60]


@event.listens_for(Job, "before_insert")
@event.listens_for(Job, "before_update")
def _job_derived(_mapper: object, _connection: object, job: Job) -> None:
    job.refresh_derived()
