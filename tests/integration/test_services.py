"""Use cases called directly, as the admin, the CLI and jobs call them, and the routes' declared cache policies."""

from __future__ import annotations

import datetime

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select

from pydotorg.db.models import Calendar, EventSubmission, Job, JobCategory
from pydotorg.domain.events.services import submit_event
from pydotorg.domain.users.auth import CurrentUser
from pydotorg.settings import Settings
from tests.conftest import delete_user, log_in, make_user, read_mails, wait_for_mail
from tests.factories import build_calendar, build_event, build_job, unique

pytestmark = pytest.mark.usefixtures("backend")


def _submitter(user_id: int, name: str) -> CurrentUser:
    return CurrentUser(
        id=user_id,
        username=name,
        email=f"{name}@example.org",
        first_name="",
        last_name="",
        is_active=True,
        is_staff=False,
        is_superuser=False,
    )


def _fill(submission: EventSubmission) -> None:
    today = datetime.date.today()
    submission.event_name = unique("PyCon Somewhere")
    submission.event_type = "conference"
    submission.python_focus = "Data"
    submission.expected_attendees = "100"
    submission.location = "Oslo"
    submission.date_from = submission.date_to = today
    submission.link = "https://example.org/"
    submission.description = "A conference."


async def test_submit_event_mails_the_team_on_commit_and_never_on_rollback(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    name = unique("submitter")
    user_id = await make_user(app, name)
    settings = seeded_settings.model_copy(update={"events_to_email": f"{name}-team@example.org"})
    try:
        async with app.state.db_config.get_session() as session:
            kept = await submit_event(session, settings, _submitter(user_id, name), _fill)
            await session.commit()
        async with app.state.db_config.get_session() as session:
            dropped = await submit_event(session, settings, _submitter(user_id, name), _fill)
            await session.rollback()
        mails = await wait_for_mail(seeded_settings, settings.events_to_email)
        await app.state.jobs.drain()
        mails = read_mails(seeded_settings, settings.events_to_email)
        assert len(mails) == 1  # the rolled-back submission sent nothing
        body = mails[0].get_content()
        assert kept.event_name in body and dropped.event_name not in body
        # the admin link starts at the configured site, whatever host the request came in on
        assert f"{seeded_settings.site_url.rstrip('/')}/admin/events/eventsubmission/{kept.id}/change/" in body
        assert mails[0]["Reply-To"] == f"{name}@example.org"
        async with app.state.db_config.get_session() as session:
            names = (await session.execute(select(EventSubmission.event_name))).scalars().all()
            assert kept.event_name in names and dropped.event_name not in names
            await session.execute(delete(EventSubmission).where(EventSubmission.id == kept.id))
            await session.commit()
    finally:
        await delete_user(app, name)


async def test_public_routes_declare_their_cache_policy_and_personal_views_override_it(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    async with app.state.db_config.get_session() as session:
        category = (await session.execute(select(JobCategory).limit(1))).scalar_one()
        job = build_job(category.id)
        calendar = build_calendar()
        event = build_event(calendar)
        session.add_all([job, calendar, event])
        await session.commit()
    name = unique("viewer")
    await make_user(app, name)
    try:
        listed = await client.get("/jobs/")
        assert job.job_title in listed.text
        assert listed.headers["cache-control"] == "public, max-age=300"
        assert listed.headers["surrogate-key"] == "pydotorg-app jobs"
        feed = await client.get(f"/events/{calendar.slug}/feed.ics")
        assert feed.headers["surrogate-key"] == "pydotorg-app events"
        assert feed.headers["content-disposition"] == f'inline; filename="{calendar.slug}.ics"'
        downloads = await client.get("/downloads/feed.rss", headers={"Host": "testserver"})
        assert "surrogate-control" in downloads.headers and "downloads" in downloads.headers["surrogate-key"]
        assert "http://testserver/" not in downloads.text  # feed links come from the configured site URL
        await log_in(client, name)
        mine = await client.get("/jobs/")
        assert mine.headers["cache-control"] == "private, no-cache"
        assert mine.headers["surrogate-control"] == "no-store"  # a CDN must not keep a signed-in view
    finally:
        await delete_user(app, name)
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Job).where(Job.id == job.id))
            await session.execute(delete(Calendar).where(Calendar.id == calendar.id))
            await session.commit()
