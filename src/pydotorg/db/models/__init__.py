"""All models, imported here so Alembic and the app see one metadata."""

from pydotorg.db.models.banners import Banner
from pydotorg.db.models.blogs import BlogEntry, Feed, FeedAggregate, RelatedBlog
from pydotorg.db.models.boxes import Box
from pydotorg.db.models.codesamples import CodeSample
from pydotorg.db.models.community import Link, Photo, Post, Video
from pydotorg.db.models.companies import Company
from pydotorg.db.models.downloads import OS, Release, ReleaseFile
from pydotorg.db.models.events import (
    Alarm,
    Calendar,
    Event,
    EventCategory,
    EventLocation,
    EventSubmission,
    OccurringRule,
    RecurringRule,
)
from pydotorg.db.models.flags import Flag
from pydotorg.db.models.imports import ImportRun
from pydotorg.db.models.jobs import Job, JobCategory, JobReviewComment, JobType
from pydotorg.db.models.minutes import Minutes
from pydotorg.db.models.navigation import Menu, MenuItem
from pydotorg.db.models.nominations import Election, ElectionKind, Nomination, Nominee
from pydotorg.db.models.pages import Page, PageDocument, PageImage
from pydotorg.db.models.redirects import LegacyRedirect, Redirect
from pydotorg.db.models.search import SearchDocument
from pydotorg.db.models.successstories import Story, StoryCategory
from pydotorg.db.models.users import (
    AdminLogEntry,
    ApiKey,
    EmailAddress,
    EmailConfirmation,
    Group,
    Membership,
    Permission,
    Token,
    User,
    UserGroup,
)
from pydotorg.db.models.workgroups import WorkGroup

__all__ = (
    "OS",
    "AdminLogEntry",
    "Alarm",
    "ApiKey",
    "Banner",
    "BlogEntry",
    "Box",
    "Calendar",
    "CodeSample",
    "Company",
    "Election",
    "ElectionKind",
    "EmailAddress",
    "EmailConfirmation",
    "Event",
    "EventCategory",
    "EventLocation",
    "EventSubmission",
    "Feed",
    "FeedAggregate",
    "Flag",
    "Group",
    "ImportRun",
    "Job",
    "JobCategory",
    "JobReviewComment",
    "JobType",
    "LegacyRedirect",
    "Link",
    "Membership",
    "Menu",
    "MenuItem",
    "Minutes",
    "Nomination",
    "Nominee",
    "OccurringRule",
    "Page",
    "PageDocument",
    "PageImage",
    "Permission",
    "Photo",
    "Post",
    "RecurringRule",
    "Redirect",
    "RelatedBlog",
    "Release",
    "ReleaseFile",
    "SearchDocument",
    "Story",
    "StoryCategory",
    "Token",
    "User",
    "UserGroup",
    "Video",
    "WorkGroup",
)
