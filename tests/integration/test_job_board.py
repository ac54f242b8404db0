"""The job board: every row of inventory §2.10's URL table, its access rules, the moderation workflow with its five
mails, bad input, and the periodic expiry and monthly report jobs."""

from __future__ import annotations

import datetime
import secrets
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, insert, select

from pydotorg.db.base import utcnow
from pydotorg.db.models import Job, JobCategory, JobReviewComment, JobType
from pydotorg.db.models.users import Group, Permission, User, user_groups
from pydotorg.domain.users.cli import ensure_auth_data
from pydotorg.domain.users.guards import JOB_BOARD_ADMIN_GROUP
from pydotorg.lib.jobs import JobContext, get_job
from pydotorg.settings import Settings
from pydotorg.web.changes import POLICIES
from tests.conftest import csrf_token, delete_user, log_in, make_user, post_form, read_mails, wait_for_mail

pytestmark = pytest.mark.usefixtures("backend")


@dataclass
class Board:
    poster: str
    other: str
    moderator: str
    tag: str
    category_id: int
    category_slug: str
    type_id: int
    type_slug: str


@pytest.fixture
async def board(app: Litestar, client: AsyncTestClient[Litestar]) -> AsyncIterator[Board]:
    tag = secrets.token_hex(3)
    names = {"poster": f"poster{tag}", "other": f"other{tag}", "moderator": f"mod{tag}"}
    ids = {key: await make_user(app, name) for key, name in names.items()}
    async with app.state.db_config.get_session() as session:
        await ensure_auth_data(session)
        group_id = (await session.execute(select(Group.id).where(Group.name == JOB_BOARD_ADMIN_GROUP))).scalar_one()
        await session.execute(insert(user_groups).values(user_id=ids["moderator"], group_id=group_id))
        category = JobCategory(name=f"Testing {tag}", active=True)
        job_type = JobType(name=f"Remote-ish {tag}", active=True)
        session.add_all([category, job_type])
        await session.commit()
        data = Board(
            poster=names["poster"],
            other=names["other"],
            moderator=names["moderator"],
            tag=tag,
            category_id=category.id,
            category_slug=category.slug,
            type_id=job_type.id,
            type_slug=job_type.slug,
        )
    yield data
    client.cookies.clear()
    async with app.state.db_config.get_session() as session:
        await session.execute(delete(Job).where(Job.category_id == data.category_id))
        await session.execute(delete(JobCategory).where(JobCategory.id == data.category_id))
        await session.execute(delete(JobType).where(JobType.id == data.type_id))
        await session.commit()
    for name in names.values():
        await delete_user(app, name)


def job_form(board: Board, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "job_title": f"Senior Pythonista {board.tag}",
        "company_name": "Acme Snakes",
        "category": str(board.category_id),
        "job_types": [str(board.type_id)],
        "other_job_type": "",
        "city": "Lisbon",
        "region": "",
        "country": "Portugal",
        "description": "Write *Python* all day.",
        "requirements": "- Python\n- Tests",
        "company_description": "We make snakes.",
        "contact": "Ana",
        "email": f"hiring-{board.tag}@acme.example",
        "url": "https://acme.example/jobs/1",
        "telecommuting": "y",
        "agencies": "y",
    }
    data.update(changes)
    return data


async def create_job(client: AsyncTestClient[Litestar], board: Board, **changes: Any) -> int:
    response = await post_form(client, "/jobs/create/", job_form(board, **changes))
    assert response.status_code == 302, response.text[-3000:]
    location = response.headers["location"]
    assert location.endswith("/preview/")
    return int(location.split("/")[2])


async def as_user(client: AsyncTestClient[Litestar], username: str | None) -> None:
    client.cookies.clear()
    if username:
        await log_in(client, username)


async def status_of(app: Litestar, job_id: int) -> str:
    async with app.state.db_config.get_session() as session:
        return str((await session.execute(select(Job.status).where(Job.id == job_id))).scalar_one())


async def test_the_whole_workflow_and_its_five_mails(
    client: AsyncTestClient[Litestar], app: Litestar, board: Board, seeded_settings: Settings
) -> None:
    job_email = f"hiring-{board.tag}@acme.example"
    await as_user(client, board.poster)
    job_id = await create_job(client, board)
    assert await status_of(app, job_id) == "draft"
    async with app.state.db_config.get_session() as session:
        job = (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()
        assert job.location_slug == "lisbon-portugal" and job.country_slug == "portugal"
        assert job.expires is None and job.creator_id == job.submitted_by_id is not None
    preview = await client.get(f"/jobs/{job_id}/preview/")
    assert preview.status_code == 200 and "Submit for review" in preview.text and "<em>Python</em>" in preview.text
    assert f"Senior Pythonista {board.tag}" not in (await client.get("/jobs/")).text

    # 1. submitted for review -> jobs@
    response = await post_form(
        client, f"/jobs/{job_id}/preview/", {"action": "review"}, form_url=f"/jobs/{job_id}/preview/"
    )
    assert response.status_code == 302 and response.headers["location"] == "/jobs/thanks/"
    assert await status_of(app, job_id) == "review"
    display = f"Senior Pythonista {board.tag}, Acme Snakes"
    mails = await wait_for_mail(seeded_settings, "jobs@python.org")
    assert any(str(m["Subject"]) == f"Job Submitted for Approval: {display}" for m in mails)
    mine = await client.get("/jobs/mine/")
    assert mine.status_code == 200 and display in mine.text and "review" in mine.text
    assert 'class="listing-new"' not in mine.text  # not "New" until it is published

    # the moderator (group "Job Board Admin", not staff) sees it in the queue and comments
    await as_user(client, board.moderator)
    queue = await client.get("/jobs/review/")
    assert queue.status_code == 200 and display in queue.text
    detail_url = f"/jobs/{job_id}/"
    response = await post_form(
        client,
        "/jobs/create-review-comment/",
        {"job": str(job_id), "comment": "Please add a salary range.", "action": ""},
        form_url=detail_url,
    )
    assert response.status_code == 302 and response.headers["location"] == detail_url
    # 2. an admin's comment goes to the submitter (and jobs@)
    comment_mails = await wait_for_mail(seeded_settings, job_email)
    assert [str(m["Subject"]) for m in comment_mails] == [f"Python Job Board: Review comment for: {display}"]
    assert "Please add a salary range." in comment_mails[0].get_content()
    assert comment_mails[0]["From"] == "jobs@python.org"

    # 3. the submitter answers: the team is told, the submitter is not mailed their own comment
    await as_user(client, board.poster)
    response = await post_form(
        client, "/jobs/create-review-comment/", {"job": str(job_id), "comment": "Added: 60-80k."}, form_url=detail_url
    )
    assert response.status_code == 302
    team = await wait_for_mail(seeded_settings, "jobs@python.org", count=len(mails) + 2)
    assert any("posted a comment" in m.get_content() and "60-80k" in m.get_content() for m in team)
    assert len(read_mails(seeded_settings, job_email)) == 1
    async with app.state.db_config.get_session() as session:
        comments = (await session.execute(select(JobReviewComment).where(JobReviewComment.job_id == job_id))).scalars()
        assert [c.comment for c in comments] == ["Please add a salary range.", "Added: 60-80k."]

    # 4. approval from the review queue -> the submitter's address and jobs@
    await as_user(client, board.moderator)
    response = await post_form(client, "/jobs/review/", {"job_id": str(job_id), "action": "approve"})
    assert response.status_code == 302 and response.headers["location"] == "/jobs/review/"
    assert await status_of(app, job_id) == "approved"
    approved = await wait_for_mail(seeded_settings, job_email, count=2)
    assert "Python Job Board: Job entry approved" in [str(m["Subject"]) for m in approved]
    async with app.state.db_config.get_session() as session:
        job = (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()
        assert job.expires is not None
        assert abs((job.expires - utcnow()) - datetime.timedelta(days=90)) < datetime.timedelta(minutes=5)

    # listed publicly and in the feed
    await as_user(client, None)
    listing = await client.get("/jobs/")
    assert display.split(",", maxsplit=1)[0] in listing.text
    feed = await client.get("/jobs/feed/rss/")
    channel = ET.fromstring(feed.content).find("channel")
    assert channel is not None and channel.findtext("title") == "Python.org Jobs Feed"
    assert display in [item.findtext("title") for item in channel.iter("item")]
    public = await client.get(detail_url)
    assert public.status_code == 200 and "Review comments" not in public.text

    # 5. rejection from the moderation page, then the mail
    await as_user(client, board.moderator)
    response = await post_form(client, "/jobs/moderate/", {"job_id": str(job_id), "action": "reject"})
    assert response.status_code == 302 and await status_of(app, job_id) == "rejected"
    rejected = await wait_for_mail(seeded_settings, job_email, count=3)
    assert "Python Job Board: Job entry could not be accepted" in [str(m["Subject"]) for m in rejected]


async def test_who_sees_and_changes_what(client: AsyncTestClient[Litestar], app: Litestar, board: Board) -> None:
    await as_user(client, board.poster)
    job_id = await create_job(client, board)
    url = f"/jobs/{job_id}/"
    assert (await client.get(url)).status_code == 200  # the creator sees their draft
    assert (await client.get(f"{url}edit/")).status_code == 200

    for who in (None, board.other):
        await as_user(client, who)
        assert (await client.get(url)).status_code == 404
    await as_user(client, board.other)
    for page in ("edit/", "preview/"):
        assert (await client.get(f"{url}{page}")).status_code == 404
    response = await post_form(client, f"{url}edit/", job_form(board, job_title="Hijacked"), form_url="/jobs/create/")
    assert response.status_code == 404
    response = await post_form(client, f"{url}remove/", {}, form_url="/jobs/create/")
    assert response.status_code == 404
    # a plain user cannot reach the moderation pages
    assert (await client.get("/jobs/review/")).status_code == 403
    assert (await client.get("/jobs/moderate/")).status_code == 403
    response = await post_form(
        client, "/jobs/review/", {"job_id": str(job_id), "action": "approve"}, form_url="/jobs/create/"
    )
    assert response.status_code == 403 and await status_of(app, job_id) == "draft"

    await as_user(client, board.moderator)
    assert (await client.get(url)).status_code == 200  # admins see every job
    await post_form(client, "/jobs/moderate/", {"job_id": str(job_id), "action": "remove"})
    assert await status_of(app, job_id) == "removed"
    # staff count as job board admins too, and so does the (in Django unused) can_moderate_jobs permission
    staff, granted = f"staff{board.tag}", f"granted{board.tag}"
    await make_user(app, staff, is_staff=True)
    granted_id = await make_user(app, granted)
    try:
        await as_user(client, staff)
        assert (await client.get("/jobs/review/")).status_code == 200
        assert (await client.get(url)).status_code == 200
        async with app.state.db_config.get_session() as session:
            perm = (
                await session.execute(select(Permission).where(Permission.codename == "can_moderate_jobs"))
            ).scalar_one()
            (await session.get_one(User, granted_id)).user_permissions = [perm]
            await session.commit()
        await as_user(client, granted)
        assert (await client.get("/jobs/moderate/")).status_code == 200
    finally:
        await delete_user(app, staff)
        await delete_user(app, granted)


async def test_edit_rules_and_next(client: AsyncTestClient[Litestar], app: Litestar, board: Board) -> None:
    await as_user(client, board.poster)
    job_id = await create_job(client, board)
    edit = f"/jobs/{job_id}/edit/"
    form = job_form(board, job_title="Renamed role", next="https://evil.example/phish")
    response = await post_form(client, edit, form)
    # Django followed any POSTed next (an open redirect); an off-site one falls back to the preview
    assert response.status_code == 302 and response.headers["location"] == f"/jobs/{job_id}/preview/"
    response = await post_form(client, edit, {**form, "next": "/jobs/mine/"})
    assert response.headers["location"] == "/jobs/mine/"
    for bad in ("//evil.example/", "javascript:alert(1)", "/\\evil.example"):
        response = await post_form(client, edit, {**form, "next": bad})
        assert response.headers["location"] == f"/jobs/{job_id}/preview/", bad

    # approved: the creator can no longer edit (a clear 409), an admin can
    async with app.state.db_config.get_session() as session:
        job = (await session.execute(select(Job).where(Job.id == job_id))).scalar_one()
        job.status = "approved"
        await session.commit()
    response = await client.get(edit)
    assert response.status_code == 409 and "cannot be changed" in response.text
    response = await post_form(client, edit, form, form_url="/jobs/create/")
    assert response.status_code == 409
    await as_user(client, board.moderator)
    response = await post_form(client, edit, job_form(board, job_title="Fixed by a moderator"))
    assert response.status_code == 302
    async with app.state.db_config.get_session() as session:
        assert (
            await session.execute(select(Job.job_title).where(Job.id == job_id))
        ).scalar_one() == "Fixed by a moderator"


async def test_remove_is_a_post(client: AsyncTestClient[Litestar], app: Litestar, board: Board) -> None:
    await as_user(client, board.poster)
    job_id = await create_job(client, board)
    assert (await client.get(f"/jobs/{job_id}/remove/")).status_code == 405
    assert await status_of(app, job_id) == "draft"
    token = await csrf_token(client, "/jobs/mine/")
    no_token = await client.post(f"/jobs/{job_id}/remove/", follow_redirects=False)
    assert no_token.status_code == 403 and await status_of(app, job_id) == "draft"
    response = await client.post(f"/jobs/{job_id}/remove/", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/jobs/mine/"
    assert await status_of(app, job_id) == "removed"
    # a removed job cannot be removed again, nor previewed or submitted
    response = await client.post(f"/jobs/{job_id}/remove/", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 409
    assert (await client.get(f"/jobs/{job_id}/preview/")).status_code == 409


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"job_title": ""}, "job_title", "This field is required."),
        ({"job_title": "x" * 101}, "job_title", "Field cannot be longer than 100 characters."),
        ({"category": "0"}, "category", "Choose a category."),
        ({"category": "999999"}, "category", "Not a valid choice"),
        ({"email": "not-an-address"}, "email", "Invalid email address."),
        ({"url": "ftp://files.example/"}, "url", "http:// or https://"),
        ({"description": ""}, "description", "This field is required."),
        ({"country": "y" * 101}, "country", "Field cannot be longer than 100 characters."),
    ],
)
async def test_job_form_errors_write_nothing(
    client: AsyncTestClient[Litestar], app: Litestar, board: Board, changes: dict[str, str], field: str, message: str
) -> None:
    await as_user(client, board.poster)
    response = await post_form(client, "/jobs/create/", job_form(board, **changes))
    assert response.status_code == 400
    assert f'id="{field}-errors"' in response.text and message in response.text
    async with app.state.db_config.get_session() as session:
        assert (await session.execute(select(Job.id).where(Job.category_id == board.category_id))).first() is None


async def test_ids_beyond_64_bits_are_a_clear_400(client: AsyncTestClient[Litestar], board: Board) -> None:
    """A number no row can have reaches the database driver, which refuses to bind it: 400 with a message."""
    huge = "9" * 25
    for url in (f"/jobs/{huge}/", f"/events/python-events/{huge}/", f"/events/python-events/locations/{huge}/"):
        response = await client.get(url)
        assert response.status_code == 400, url
        assert "A number in the request is out of range." in response.text
    await as_user(client, board.moderator)
    response = await post_form(client, "/jobs/review/", {"job_id": huge, "action": "approve"}, form_url="/jobs/create/")
    assert response.status_code == 400 and "out of range" in response.text
    api = await client.get(f"/api/v2/downloads/release/{huge}/", headers={"Accept": "application/json"})
    assert api.status_code == 400 and api.json() == {"detail": "A number in the request is out of range."}


async def test_bad_moderation_input(client: AsyncTestClient[Litestar], app: Litestar, board: Board) -> None:
    await as_user(client, board.poster)
    job_id = await create_job(client, board)
    await as_user(client, board.moderator)
    # not one of the four actions -> 404 as Django; nothing changes
    for action in ("publish", ""):
        response = await post_form(
            client, "/jobs/review/", {"job_id": str(job_id), "action": action}, form_url="/jobs/create/"
        )
        assert response.status_code == 404 and await status_of(app, job_id) == "draft"
    response = await post_form(
        client, "/jobs/review/", {"job_id": "abc", "action": "approve"}, form_url="/jobs/create/"
    )
    assert response.status_code == 400
    response = await post_form(
        client, "/jobs/review/", {"job_id": "99999999", "action": "approve"}, form_url="/jobs/create/"
    )
    assert response.status_code == 404
    # the wrong state: a draft cannot be approved, an approved job not approved twice
    response = await post_form(
        client, "/jobs/review/", {"job_id": str(job_id), "action": "approve"}, form_url="/jobs/create/"
    )
    assert response.status_code == 409 and "cannot be approved" in response.text
    assert await status_of(app, job_id) == "draft"
    response = await post_form(
        client, "/jobs/moderate/", {"job_id": str(job_id), "action": "archive"}, form_url="/jobs/create/"
    )
    assert response.status_code == 409 and await status_of(app, job_id) == "draft"


async def test_review_comment_rules(
    client: AsyncTestClient[Litestar], app: Litestar, board: Board, seeded_settings: Settings
) -> None:
    await as_user(client, board.poster)
    job_id = await create_job(client, board)
    await post_form(client, f"/jobs/{job_id}/preview/", {"action": "review"})
    url = f"/jobs/{job_id}/"

    async def comment(data: dict[str, str]) -> Any:
        return await post_form(client, "/jobs/create-review-comment/", data, form_url=url)

    # the submitter cannot approve their own job; an empty comment without an action is refused
    assert (await comment({"job": str(job_id), "comment": "ok?", "action": "approve"})).status_code == 403
    assert (await comment({"job": str(job_id), "comment": "  "})).status_code == 400
    assert (await comment({"job": "nope", "comment": "hi"})).status_code == 400
    assert (await comment({"job": "99999999", "comment": "hi"})).status_code == 404
    await as_user(client, board.other)
    response = await post_form(
        client, "/jobs/create-review-comment/", {"job": str(job_id), "comment": "spam"}, form_url="/jobs/create/"
    )
    assert response.status_code == 403
    await as_user(client, board.moderator)
    assert (await comment({"job": str(job_id), "comment": "x", "action": "delete"})).status_code == 400
    # an empty comment with an action only changes the status
    response = await comment({"job": str(job_id), "comment": "", "action": "reject"})
    assert response.status_code == 302 and await status_of(app, job_id) == "rejected"
    async with app.state.db_config.get_session() as session:
        assert (
            await session.execute(select(JobReviewComment).where(JobReviewComment.job_id == job_id))
        ).first() is None

    # a comment on a job whose creator was deleted does not crash (Django did); it reaches the job's address
    await delete_user(app, board.poster)
    response = await comment({"job": str(job_id), "comment": "Creator gone, still reviewing."})
    assert response.status_code == 302
    mails = await wait_for_mail(seeded_settings, f"hiring-{board.tag}@acme.example", count=2)
    assert any("Creator gone" in m.get_content() for m in mails)
    assert "(deleted user)" in (await client.get(url)).text


async def test_public_lists_and_indexes(client: AsyncTestClient[Litestar], app: Litestar, board: Board) -> None:
    now = utcnow()
    async with app.state.db_config.get_session() as session:
        job_type = await session.get_one(JobType, board.type_id)
        common = {"category_id": board.category_id, "email": "x@example.org", "description": "d", "requirements": "r"}
        session.add_all(
            [
                Job(
                    job_title=f"Visible {board.tag}",
                    city="Oslo",
                    country="Norway",
                    status="approved",
                    expires=now + datetime.timedelta(days=5),
                    telecommuting=True,
                    job_types=[job_type],
                    **common,
                ),
                Job(
                    job_title=f"Expired {board.tag}",
                    city="Oslo",
                    country="Norway",
                    status="approved",
                    expires=now - datetime.timedelta(days=1),
                    job_types=[job_type],
                    **common,
                ),
                Job(
                    job_title=f"Waiting {board.tag}",
                    city="Oslo",
                    country="Norway",
                    status="review",
                    job_types=[job_type],
                    **common,
                ),
            ]
        )
        await session.commit()
    pages = {
        "/jobs/": True,
        "/jobs/location/telecommute/": True,
        "/jobs/location/oslo-norway/": True,
        f"/jobs/type/{board.type_slug}/": True,
        f"/jobs/category/{board.category_slug}/": True,
    }
    for url in pages:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert f"Visible {board.tag}" in response.text, url
        assert f"Expired {board.tag}" not in response.text and f"Waiting {board.tag}" not in response.text, url
    assert (await client.get("/jobs/type/no-such-type/")).status_code == 404
    assert (await client.get("/jobs/category/no-such-category/")).status_code == 404
    assert "/jobs/location/oslo-norway/" in (await client.get("/jobs/locations/")).text
    assert f"/jobs/type/{board.type_slug}/" in (await client.get("/jobs/types/")).text
    assert f"/jobs/category/{board.category_slug}/" in (await client.get("/jobs/categories/")).text
    thanks = await client.get("/jobs/thanks/")
    assert thanks.status_code == 200 and "waiting for review by the job board team" in thanks.text
    # the feed: approved and not expired (Django listed expired jobs)
    feed = (await client.get("/jobs/feed/rss/")).text
    assert f"Visible {board.tag}" in feed and f"Expired {board.tag}" not in feed
    # logged-in pages
    for url in ("/jobs/create/", "/jobs/mine/"):
        assert (await client.get(url, follow_redirects=False)).status_code == 302
    await as_user(client, board.moderator)
    moderate = await client.get(f"/jobs/moderate/?q=expired {board.tag}")
    assert (
        moderate.status_code == 200
        and f"Expired {board.tag}" in moderate.text
        and f"Visible {board.tag}" not in moderate.text
    )
    review = await client.get("/jobs/review/")
    assert f"Waiting {board.tag}" in review.text and f"Visible {board.tag}" not in review.text
    assert "Review queue" in (await client.get("/jobs/")).text


async def test_expire_and_monthly_report(app: Litestar, board: Board, seeded_settings: Settings) -> None:
    now = utcnow()
    common = {"category_id": board.category_id, "email": "x@example.org", "city": "Rome", "country": "Italy"}
    async with app.state.db_config.get_session() as session:
        long_ago = Job(
            job_title=f"Old {board.tag}", status="approved", expires=now - datetime.timedelta(days=91), **common
        )
        recent = Job(
            job_title=f"Recent {board.tag}", status="approved", expires=now - datetime.timedelta(days=10), **common
        )
        session.add_all([long_ago, recent])
        # the monthly report counts by year and month: a job from the same month a year ago is not this month's
        session.add_all(
            [
                Job(
                    job_title=f"June {board.tag}",
                    status="review",
                    created=datetime.datetime(2031, 6, 3, tzinfo=datetime.UTC),
                    **common,
                ),
                Job(
                    job_title=f"June2 {board.tag}",
                    status="approved",
                    created=datetime.datetime(2031, 6, 20, tzinfo=datetime.UTC),
                    **common,
                ),
                Job(
                    job_title=f"May {board.tag}",
                    status="rejected",
                    created=datetime.datetime(2031, 5, 30, tzinfo=datetime.UTC),
                    **common,
                ),
                Job(
                    job_title=f"LastYear {board.tag}",
                    status="review",
                    created=datetime.datetime(2030, 6, 3, tzinfo=datetime.UTC),
                    **common,
                ),
            ]
        )
        await session.commit()
        ids = (long_ago.id, recent.id)
    ctx = JobContext(settings=seeded_settings, session_factory=app.state.db_config.get_session, stores=app.stores)
    assert await get_job("expire_jobs")(ctx) >= 1
    # any change to a job purges the job, the list and the feed (Django purged on approval); see test_changes.py
    assert list(POLICIES[Job].urls(Job(id=ids[0]))) == [f"/jobs/{ids[0]}/", "/jobs/", "/jobs/feed/rss/"]
    assert await status_of(app, ids[0]) == "expired"
    assert await status_of(app, ids[1]) == "approved"

    result = await get_job("jobs_monthly_report")(ctx, today="2031-06-27")
    assert result == {"current": {"review": 1, "approved": 1}, "previous": {"rejected": 1}}
    report = next(m for m in read_mails(seeded_settings, "jobs@python.org") if "June 2031" in str(m["Subject"]))
    body = report.get_content()
    assert "review" in body and "total" in body
    # January's previous month is December of the year before
    january = await get_job("jobs_monthly_report")(ctx, today="2031-01-27")
    assert january == {"current": {}, "previous": {}}


async def test_admin_moderation_actions(
    client: AsyncTestClient[Litestar], app: Litestar, board: Board, seeded_settings: Settings
) -> None:
    common = {
        "category_id": board.category_id,
        "city": "Rome",
        "country": "Italy",
        "description": "d",
        "requirements": "r",
    }
    async with app.state.db_config.get_session() as session:
        waiting = Job(job_title=f"AdminWait {board.tag}", status="review", email=f"a-{board.tag}@example.org", **common)
        draft = Job(job_title=f"AdminDraft {board.tag}", status="draft", email=f"b-{board.tag}@example.org", **common)
        session.add_all([waiting, draft])
        await session.commit()
        ids = (waiting.id, draft.id)
    chief = f"chief{board.tag}"
    await make_user(app, chief, is_superuser=True)
    try:
        await as_user(client, chief)
        assert (await client.get("/admin/jobs/job/")).status_code == 200
        change = await client.get(f"/admin/jobs/job/{ids[0]}/change/")
        assert change.status_code == 200 and "Review comments" in change.text
        token = await csrf_token(client, "/admin/jobs/job/")
        response = await client.post(
            "/admin/jobs/job/",
            data={"action": "approve", "_selected": [str(i) for i in ids], "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 302
        assert await status_of(app, ids[0]) == "approved" and await status_of(app, ids[1]) == "draft"
        mails = await wait_for_mail(seeded_settings, f"a-{board.tag}@example.org")
        assert str(mails[0]["Subject"]) == "Python Job Board: Job entry approved"
        listing = await client.get("/admin/jobs/job/")
        assert f"#{ids[1]}: A job that is draft cannot be approved." in listing.text
        for model in ("jobtype", "jobcategory", "jobreviewcomment"):
            assert (await client.get(f"/admin/jobs/{model}/")).status_code == 200
    finally:
        await delete_user(app, chief)
