"""The events section's use cases that change data, called by the pages, the admin and the CLI alike.

Each takes its collaborators (session, settings, the acting user) as arguments, raises domain errors only, and
leaves its side effects (mail, CDN purges) to the unit of work: they leave when the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.events import EventSubmission
from pydotorg.domain.users.auth import CurrentUser
from pydotorg.settings import Settings
from pydotorg.web.changes import mail_after_commit


async def submit_event(
    session: AsyncSession, settings: Settings, submitter: CurrentUser, fill: Callable[[EventSubmission], None]
) -> EventSubmission:
    """Store a proposed event (``fill`` copies the validated form onto it) and mail it to the events team once the
    caller commits; the mail's reply-to is the submitter and it links to the submission in the admin."""
    submission = EventSubmission(creator_id=submitter.id, submitter_email=submitter.email)
    fill(submission)
    submission.creator_id = submitter.id  # whatever the form held, these are the signed-in user's
    submission.submitter_email = submitter.email
    session.add(submission)
    await session.flush()
    mail_after_commit(
        session,
        "event_submission",
        settings.events_to_email,
        reply_to=submitter.email,
        submission=submission,
        submitter=submitter.username,
        submitter_email=submitter.email,
        admin_url=settings.absolute_url(f"/admin/events/eventsubmission/{submission.id}/change/"),
        event_name=submission.event_name,
    )
    return submission
