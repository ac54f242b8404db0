"""PSF elections (issue 20, first part): the public election pages, the nominee and nomination pages with
Django's visibility rules for every viewer before, during and after nominations, the admin (slugs made once,
checked accent colours, approval from the list into the history), and the demo seed."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select

from pydotorg.db.base import utcnow
from pydotorg.db.models import AdminLogEntry, Election, ElectionKind, Nomination, Nominee, User
from tests.conftest import csrf_token, delete_user, log_in, make_user, post_form

VIEWERS = ["anonymous", "nominator", "nominee", "member", "staff", "superuser"]
PHASES = ["before", "during", "after"]
USERNAMES = {
    "nominator": "elect-nominator",
    "nominee": "elect-nominee",
    "member": "elect-member",
    "staff": "elect-staff",
    "superuser": "elect-super",
}


@dataclass
class World:
    elections: dict[str, Election]
    nominations: dict[str, int]


@pytest.fixture
async def world(app: Litestar) -> AsyncIterator[World]:
    for role, username in USERNAMES.items():
        await make_user(app, username, is_staff=role in {"staff", "superuser"}, is_superuser=role == "superuser")
    now = utcnow()
    day = datetime.timedelta(days=1)
    windows = {
        "before": (now + day, now + 9 * day),
        "during": (now - day, now + 9 * day),
        "after": (now - 9 * day, now - day),
    }
    elections: dict[str, Election] = {}
    nominations: dict[str, int] = {}
    async with app.state.db_config.get_session() as session:
        users = {
            u.username: u
            for u in (await session.execute(select(User).where(User.username.in_(USERNAMES.values())))).scalars()
        }
        nominee_user = users[USERNAMES["nominee"]]
        nominee_user.first_name, nominee_user.last_name = "Guido", "Tester"
        for phase, (opens, closes) in windows.items():
            election = Election(name=f"Matrix {phase}", slug=f"matrix-{phase}", date=(now + 30 * day).date(),
                                nominations_open_at=opens, nominations_close_at=closes)  # fmt: skip
            session.add(election)
            await session.flush()
            nominee = Nominee(election_id=election.id, user_id=nominee_user.id, accepted=True, approved=True,
                              slug="guido-tester")  # fmt: skip
            session.add(nominee)
            await session.flush()
            nomination = Nomination(election_id=election.id, name="Guido Tester", email="g@example.org",
                                    nomination_statement="A *fine* candidate <script>alert(1)</script>",
                                    nominator_id=users[USERNAMES["nominator"]].id, nominee_id=nominee.id,
                                    accepted=True, approved=True)  # fmt: skip
            session.add(nomination)
            await session.flush()
            elections[phase] = election
            nominations[phase] = nomination.id
        await session.commit()
    yield World(elections, nominations)
    async with app.state.db_config.get_session() as session:
        await session.execute(delete(Election).where(Election.slug.like("matrix-%")))
        await session.commit()
    for username in USERNAMES.values():
        await delete_user(app, username)


async def _as(client: AsyncTestClient[Litestar], viewer: str) -> None:
    client.cookies.clear()
    if viewer != "anonymous":
        await log_in(client, USERNAMES[viewer])


#: Django's rules: the nominee page is public once the nominee is accepted and approved and nominations are not
#: open; while they are, only the nominee and staff see it.
NOMINEE_PAGE = {
    "before": dict.fromkeys(VIEWERS, 200),
    "during": {"anonymous": 404, "nominator": 404, "nominee": 200, "member": 404, "staff": 200, "superuser": 200},
    "after": dict.fromkeys(VIEWERS, 200),
}
#: The nominees list names the nominee after close (superusers: always); before, a member sees only their own entry.
NOMINEES_LIST = {
    "before": {
        "anonymous": False,
        "nominator": False,
        "nominee": True,
        "member": False,
        "staff": False,
        "superuser": True,
    },
    "during": {
        "anonymous": False,
        "nominator": False,
        "nominee": True,
        "member": False,
        "staff": False,
        "superuser": True,
    },
    "after": dict.fromkeys(VIEWERS, True),
}
#: A nomination in an election with a nomination window: staff, the nominator and the nominee only.
NOMINATION_PAGE = {"anonymous": 404, "nominator": 200, "nominee": 200, "member": 404, "staff": 200, "superuser": 200}


@pytest.mark.parametrize("viewer", VIEWERS)
async def test_visibility_matrix(client: AsyncTestClient[Litestar], world: World, viewer: str) -> None:
    await _as(client, viewer)
    try:
        for phase in PHASES:
            slug = f"matrix-{phase}"
            page = await client.get(f"/nominations/elections/{slug}/nominees/guido-tester/")
            assert page.status_code == NOMINEE_PAGE[phase][viewer], (phase, viewer)
            listing = await client.get(f"/nominations/elections/{slug}/nominees/")
            assert listing.status_code == 200
            assert ("Guido Tester" in listing.text) is NOMINEES_LIST[phase][viewer], (phase, viewer)
            # never another election's entry (Django's list leaked the viewer's rows from every election)
            assert listing.text.count("/nominees/guido-tester/") <= 1
            assert "private" in listing.headers["cache-control"]
            nomination = await client.get(f"/nominations/{slug}/{world.nominations[phase]}/")
            assert nomination.status_code == NOMINATION_PAGE[viewer], (phase, viewer)
            if nomination.status_code == 200:
                assert "<script>" not in nomination.text and "<em>fine</em>" in nomination.text
                editable = "You can still change this nomination" in nomination.text
                # the nominee may edit while open; the nominator not once it is accepted or approved
                assert editable is (phase == "during" and viewer == "nominee"), (phase, viewer)
    finally:
        client.cookies.clear()


async def test_a_nomination_of_another_election_is_404(client: AsyncTestClient[Litestar], world: World) -> None:
    await _as(client, "staff")
    try:
        wrong = await client.get(f"/nominations/matrix-before/{world.nominations['after']}/")
        assert wrong.status_code == 404
    finally:
        client.cookies.clear()


async def test_election_pages(client: AsyncTestClient[Litestar], world: World, app: Litestar) -> None:
    listing = await client.get("/nominations/elections/")
    assert listing.status_code == 200
    for phase, status in (
        ("before", "Nominations Not Yet Open"),
        ("during", "Nominations Open"),
        ("after", "Nominations Closed"),
    ):
        assert f'href="/nominations/election/matrix-{phase}/"' in listing.text
        detail = await client.get(f"/nominations/election/matrix-{phase}/")
        assert detail.status_code == 200 and status in detail.text
    assert (await client.get("/nominations/election/no-such-election/")).status_code == 404
    assert (await client.get("/nominations/elections/no-such-election/nominees/")).status_code == 404
    # the accent colour comes from the kind, checked: anything but a hex colour falls back to the default
    async with app.state.db_config.get_session() as session:
        kind = ElectionKind(name="Matrix kind", slug="matrix-kind", accent_color="red;background:url(x)")
        session.add(kind)
        await session.flush()
        election = (await session.execute(select(Election).where(Election.slug == "matrix-after"))).scalar_one()
        election.kind_id = kind.id
        await session.commit()
    try:
        page = await client.get("/nominations/election/matrix-after/")
        # themed by a class from /nominations/accents.css (the Content-Security-Policy forbids inline styles)
        assert f"election-kind-{kind.id}" in page.text and 'style="' not in page.text
        css = await client.get("/nominations/accents.css")
        assert css.headers["content-type"].startswith("text/css")
        assert f".election-kind-{kind.id} {{ --election-accent: #0073b7; }}" in css.text and "url(x)" not in css.text
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(ElectionKind).where(ElectionKind.slug == "matrix-kind"))
            await session.commit()


async def test_status_without_a_window_reads_by_the_date() -> None:
    today = utcnow()
    future = Election(name="x", date=(today + datetime.timedelta(days=3)).date())
    past = Election(name="y", date=(today - datetime.timedelta(days=3)).date())
    assert future.status(today) == "Voting Not Yet Begun"
    assert past.status(today) == "Commenced"


async def test_admin_slugs_colours_and_approval(client: AsyncTestClient[Litestar], app: Litestar, world: World) -> None:
    await _as(client, "superuser")
    try:
        bad = await post_form(client, "/admin/nominations/electionkind/add/",
                              {"name": "Colourful", "nomination_form": "board", "accent_color": "javascript:x"})  # fmt: skip
        assert bad.status_code == 400 and "hex colour" in bad.text
        made = await post_form(client, "/admin/nominations/election/add/",
                               {"name": "Matrix admin election", "date": "2030-01-01", "kind_id": ""})  # fmt: skip
        assert made.status_code == 302
        async with app.state.db_config.get_session() as session:
            election = (
                await session.execute(select(Election).where(Election.name == "Matrix admin election"))
            ).scalar_one()
            assert election.slug == "matrix-admin-election"
            election.slug = "matrix-admin"  # so the fixture's clean-up finds it
            await session.commit()
            unapproved = Nominee(
                election_id=world.elections["during"].id, user_id=None, accepted=False, approved=False, slug="matrix-x"
            )
            session.add(unapproved)
            await session.commit()
            nominee_id = unapproved.id
        token = await csrf_token(client, "/admin/nominations/nominee/")
        response = await client.post(
            "/admin/nominations/nominee/",
            data={"action": "approve", "_selected": str(nominee_id), "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 302
        async with app.state.db_config.get_session() as session:
            assert (await session.get(Nominee, nominee_id)).approved  # type: ignore[union-attr]
            log = (
                await session.execute(
                    select(AdminLogEntry).where(
                        AdminLogEntry.content_type == "nominations.nominee", AdminLogEntry.object_id == str(nominee_id)
                    )
                )
            ).scalar_one()
            assert log.change_message == "Approved."
        # renaming keeps the slug (Django re-made it on every save, breaking links)
        async with app.state.db_config.get_session() as session:
            election = (await session.execute(select(Election).where(Election.slug == "matrix-admin"))).scalar_one()
            url = f"/admin/nominations/election/{election.id}/change/"
        from tests.integration.test_changes import admin_edit

        await admin_edit(client, url, name="Matrix renamed election")
        async with app.state.db_config.get_session() as session:
            renamed = (
                await session.execute(select(Election).where(Election.name == "Matrix renamed election"))
            ).scalar_one()
            assert renamed.slug == "matrix-admin"
    finally:
        client.cookies.clear()


async def test_the_demo_seed_has_an_open_and_a_closed_election_of_each_kind(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    now = utcnow()
    async with app.state.db_config.get_session() as session:
        rows = (
            await session.execute(
                select(Election, ElectionKind).join(ElectionKind, Election.kind_id == ElectionKind.id)
            )
        ).all()
    states = {
        (kind.nomination_form, election.nominations_open(now), election.nominations_complete(now))
        for election, kind in rows
    }
    for form in ("board", "packaging_council"):
        assert (form, True, False) in states and (form, False, True) in states
    closed = next(e for e, k in rows if k.nomination_form == "board" and e.nominations_complete(now))
    listing = await client.get(closed.nominees_url)
    assert listing.text.count('href="/nominations/elections/') >= 2  # the public nominees of the closed election


# -- nominating, editing, accepting (issue 20, second part) -----------------------------------------------------------
NOMINATION = {
    "name": "Barbara Liskov",
    "email": "barbara@example.org",
    "previous_service": "no",
    "employer": "Substitution Institute",
    "other_affiliations": "",
    "nomination_statement": "Barbara would be *great*. <script>alert('x')</script>",
}


async def _nomination(app: Litestar, **where: object) -> Nomination:
    async with app.state.db_config.get_session() as session:
        query = select(Nomination)
        for key, value in where.items():
            query = query.where(getattr(Nomination, key) == value)
        return (await session.execute(query.order_by(Nomination.id.desc()))).scalars().first()  # type: ignore[return-value]


async def test_nominating_someone_else(
    client: AsyncTestClient[Litestar], app: Litestar, world: World, seeded_settings: object
) -> None:
    from tests.conftest import wait_for_mail

    anonymous = await client.get("/nominations/matrix-during/create/", follow_redirects=False)
    assert anonymous.headers["location"] == "/accounts/login/?next=/nominations/matrix-during/create/"
    await _as(client, "member")
    try:
        for phase, words in (("before", "are not open yet"), ("after", "have closed")):
            closed = await client.get(f"/nominations/matrix-{phase}/create/")
            assert closed.status_code == 404 and words in closed.text, phase
        form = await client.get("/nominations/matrix-during/create/")
        assert form.status_code == 200 and 'value="2001"' in form.text and "Self-nomination" not in form.text
        # "yes" needs at least one year; nothing is written
        refused = await post_form(
            client, "/nominations/matrix-during/create/", {**NOMINATION, "previous_service": "yes"}
        )
        assert refused.status_code == 400 and "Select at least one year" in refused.text
        assert await _nomination(app, email="barbara@example.org") is None
        made = await post_form(
            client,
            "/nominations/matrix-during/create/",
            {
                **NOMINATION,
                "previous_service": "yes",
                "previous_service_years": ["2021", "2019"],
                "coc_acknowledged": "y",
            },
        )
        assert made.status_code == 302
        nomination = await _nomination(app, email="barbara@example.org")
        assert made.headers["location"] == f"/nominations/matrix-during/{nomination.id}/"
        assert nomination.previous_board_service == "2019, 2021"
        assert nomination.nominee_id is None and not nomination.accepted
        # acknowledgments are the nominee's to make: forced off on a third-party nomination
        assert not nomination.coc_acknowledged
        assert "<script>" not in nomination.nomination_statement_rendered
        assert "<em>great</em>" in nomination.nomination_statement_rendered
        mails = await wait_for_mail(seeded_settings, "barbara@example.org")  # type: ignore[arg-type]
        assert mails and "You were nominated for the Matrix during" in str(mails[0]["Subject"])
        assert f"/nominations/matrix-during/{nomination.id}/" in mails[0].get_content()
    finally:
        client.cookies.clear()


async def test_self_nomination(client: AsyncTestClient[Litestar], app: Litestar, world: World) -> None:
    await _as(client, "member")  # no first and last name yet
    try:
        data = {**NOMINATION, "name": "Me Myself", "email": "elect-member@example.org", "self_nomination": "y"}
        nameless = await post_form(client, "/nominations/matrix-during/create/", {**data, "coc_acknowledged": "y"})
        assert nameless.status_code == 400 and "/users/edit/" in nameless.text
        async with app.state.db_config.get_session() as session:
            user = (await session.execute(select(User).where(User.username == USERNAMES["member"]))).scalar_one()
            user.first_name, user.last_name = "Margaret", "Hamilton"
            await session.commit()
        await _as(client, "member")  # the session carries the names
        no_coc = await post_form(client, "/nominations/matrix-during/create/", data)
        assert no_coc.status_code == 400 and "Code of Conduct" in no_coc.text
        for _ in range(2):  # a second self-nomination reuses the nominee entry
            done = await post_form(client, "/nominations/matrix-during/create/", {**data, "coc_acknowledged": "y"})
            assert done.status_code == 302
        async with app.state.db_config.get_session() as session:
            nominees = (
                (
                    await session.execute(
                        select(Nominee).where(
                            Nominee.user_id == user.id, Nominee.election_id == world.elections["during"].id
                        )
                    )
                )
                .scalars()
                .all()
            )
            assert len(nominees) == 1 and nominees[0].accepted and nominees[0].slug == "margaret-hamilton"
        nomination = await _nomination(app, nominator_id=user.id)
        assert nomination.accepted and nomination.coc_acknowledged and nomination.nominee_id == nominees[0].id
        # the member's own page lists it under both headings
        mine = await client.get("/users/nominations/")
        assert mine.status_code == 200 and mine.text.count(f"/nominations/matrix-during/{nomination.id}/") >= 2
    finally:
        client.cookies.clear()


async def test_packaging_council_form_and_hidden_service(
    client: AsyncTestClient[Litestar], app: Litestar, world: World
) -> None:
    async with app.state.db_config.get_session() as session:
        kind = ElectionKind(name="Matrix council", slug="matrix-council", nomination_form="packaging_council")
        session.add(kind)
        await session.flush()
        election = await session.get(Election, world.elections["during"].id)
        assert election is not None
        election.kind_id, election.hide_previous_service = kind.id, True
        await session.commit()
    await _as(client, "nominee")  # Guido Tester has names
    try:
        form = await client.get("/nominations/matrix-during/create/")
        assert "PEP 772" in form.text and "Years served" not in form.text and 'value="2001"' not in form.text
        data = {**NOMINATION, "name": "Guido Tester", "self_nomination": "y", "coc_acknowledged": "y"}
        refused = await post_form(client, "/nominations/matrix-during/create/", data)
        assert refused.status_code == 400 and "eligibility" in refused.text
        done = await post_form(client, "/nominations/matrix-during/create/", {**data, "eligibility_confirmed": "y"})
        assert done.status_code == 302
        nomination = await _nomination(app, name="Guido Tester", eligibility_confirmed=True)
        assert nomination.previous_board_service is None  # the election hides previous service
    finally:
        client.cookies.clear()
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(ElectionKind).where(ElectionKind.slug == "matrix-council"))
            await session.commit()


async def test_edit_and_accept_rules(client: AsyncTestClient[Litestar], app: Litestar, world: World) -> None:
    async with app.state.db_config.get_session() as session:
        nomination = await session.get(Nomination, world.nominations["during"])
        assert nomination is not None
        nomination.accepted, nomination.approved = False, False  # still the nominator's to change
        await session.commit()
    edit_url = f"/nominations/matrix-during/{world.nominations['during']}/edit/"
    accept_url = f"/nominations/matrix-during/{world.nominations['during']}/accept/"
    try:
        await _as(client, "member")
        assert (await client.get(edit_url)).status_code == 403
        assert (await client.get(accept_url)).status_code == 403
        await _as(client, "nominator")
        form = await client.get(edit_url)
        assert form.status_code == 200 and 'value="Guido Tester"' in form.text
        assert (await client.get(accept_url)).status_code == 403  # only the nominee accepts
        # an off-site next is ignored (Django followed it: an open redirect)
        saved = await post_form(client, edit_url, {**NOMINATION, "name": "Guido T.", "next": "//evil.example/"})
        assert saved.headers["location"] == f"/nominations/matrix-during/{world.nominations['during']}/"
        assert (await _nomination(app, id=world.nominations["during"])).name == "Guido T."
        await _as(client, "nominee")
        answer = await post_form(client, accept_url, {"accepted": "y"})
        assert answer.status_code == 302
        async with app.state.db_config.get_session() as session:
            accepted = await session.get(Nomination, world.nominations["during"])
            assert accepted is not None and accepted.accepted
        # accepted: the nominator can no longer change it; the nominee still can, while nominations are open
        await _as(client, "nominator")
        assert (await client.get(edit_url)).status_code == 403
        await _as(client, "nominee")
        assert (await client.get(edit_url)).status_code == 200
        # after close nobody edits or accepts
        closed = f"/nominations/matrix-after/{world.nominations['after']}/"
        assert (await client.get(closed + "edit/")).status_code == 403
        assert (await client.get(closed + "accept/")).status_code == 403
    finally:
        client.cookies.clear()


async def test_statement_preview(client: AsyncTestClient[Litestar], world: World) -> None:
    anonymous = await post_form(client, "/nominations/statement-preview/", {"text": "x"}, form_url="/accounts/login/")
    assert anonymous.status_code == 302 and anonymous.headers["location"].startswith("/accounts/login/")
    await _as(client, "member")
    try:
        preview = await post_form(
            client,
            "/nominations/statement-preview/",
            {"text": "**bold** <img src=x onerror=alert(1)>"},
            form_url="/nominations/matrix-during/create/",
        )
        html = preview.json()["html"]
        assert "<strong>bold</strong>" in html and "onerror" not in html
    finally:
        client.cookies.clear()


async def test_user_nominations_needs_login(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/users/nominations/", follow_redirects=False)
    assert response.headers["location"] == "/accounts/login/?next=/users/nominations/"


async def test_staff_approval_mails_the_nominee_and_the_csv(
    client: AsyncTestClient[Litestar], app: Litestar, world: World, seeded_settings: object
) -> None:
    from tests.conftest import wait_for_mail

    async with app.state.db_config.get_session() as session:
        nomination = await session.get(Nomination, world.nominations["during"])
        assert nomination is not None
        nomination.approved = False
        user = (await session.execute(select(User).where(User.username == USERNAMES["nominee"]))).scalar_one()
        await session.commit()
    await _as(client, "superuser")
    try:
        token = await csrf_token(client, "/admin/nominations/nomination/")
        response = await client.post(
            "/admin/nominations/nomination/",
            data={"action": "approve", "_selected": str(world.nominations["during"]), "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 302
        mails = await wait_for_mail(seeded_settings, user.email)  # type: ignore[arg-type]
        assert any("was approved" in str(m["Subject"]) for m in mails)
        token = await csrf_token(client, "/admin/nominations/election/")
        exported = await client.post(
            "/admin/nominations/election/",
            data={"action": "export_nominees", "_selected": str(world.elections["after"].id), "_csrf_token": token},
        )
        assert exported.headers["content-type"].startswith("text/csv")
        lines = exported.text.strip().splitlines()
        assert lines[0].startswith("Election,Name,Email") and "Guido Tester" in lines[1] and user.email in lines[1]
    finally:
        client.cookies.clear()


async def test_two_nominees_with_one_name_get_distinct_slugs(app: Litestar, world: World) -> None:
    from pydotorg.domain.nominations.services import own_nominee

    await make_user(app, "elect-sam-1")
    await make_user(app, "elect-sam-2")
    try:
        async with app.state.db_config.get_session() as session:
            election = await session.get(Election, world.elections["during"].id)
            assert election is not None
            slugs = []
            for username in ("elect-sam-1", "elect-sam-2"):
                user = (await session.execute(select(User).where(User.username == username))).scalar_one()
                user.first_name, user.last_name = "Sam", "Same"
                await session.flush()
                slugs.append((await own_nominee(session, election, user.id)).slug)
            await session.commit()
        assert slugs == ["sam-same", "sam-same-2"]
    finally:
        await delete_user(app, "elect-sam-1")
        await delete_user(app, "elect-sam-2")
