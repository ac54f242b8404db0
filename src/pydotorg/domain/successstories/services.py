"""The success stories' use cases: a user submits a story; staff publish it (through the admin)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from advanced_alchemy.utils.text import slugify
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Story
from pydotorg.domain.successstories.queries import name_taken
from pydotorg.domain.users.auth import CurrentUser
from pydotorg.lib.errors import ConflictError
from pydotorg.settings import Settings
from pydotorg.web.changes import after_commit, mail_after_commit


class StoriesJob(StrEnum):
    #: regenerate the ``supernav-python-success-stories`` box from a featured story
    CHANGED = "success_stories_changed"


async def submit_story(
    session: AsyncSession, settings: Settings, submitter: CurrentUser, fill: Callable[[Story], None]
) -> Story:
    """Store a submitted story unpublished (``fill`` copies the validated form onto it) and, once the caller
    commits, mail it to the PSF staff with Reply-To the author (Django's ``send_email_to_psf`` signal)."""
    story = Story(is_published=False, featured=False, content_markup_type="markdown")
    fill(story)
    story.slug = slugify(story.name)[:200]
    if not story.slug or await name_taken(session, story.name, story.slug):
        raise ConflictError("Please use a unique name.")
    story.is_published, story.featured = False, False  # whatever the form held: staff publish
    story.submitted_by_id = story.creator_id = submitter.id
    session.add(story)
    await session.flush()
    mail_after_commit(
        session,
        "success_story_submitted",
        settings.success_stories_to_email,
        reply_to=story.author_email or submitter.email,
        story=story,
        submitter=submitter.username,
        admin_url=settings.absolute_url(f"/admin/successstories/story/{story.id}/change/"),
    )
    return story


async def story_saved(session: AsyncSession, story: Story | None) -> None:
    """The admin saved or deleted a story: a published, featured story (or a deletion, which may have removed
    one) regenerates the supernav box once the change commits. Its pages are purged by the cache registry."""
    if story is None or story in session.deleted or (story.is_published and story.featured):
        after_commit(session, StoriesJob.CHANGED)
