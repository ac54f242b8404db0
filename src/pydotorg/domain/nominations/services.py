"""Reading elections and their nominees, and the slugs that name them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.utils.text import slugify
from litestar.exceptions import NotFoundException
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models import Election, ElectionKind, Nomination, Nominee, User
from pydotorg.domain.nominations.rules import nomination_editable
from pydotorg.domain.users.auth import CurrentUser
from pydotorg.settings import Settings
from pydotorg.web.changes import mail_after_commit


@dataclass(frozen=True)
class NomineeCard:
    """A nominee as the pages show one: the name from the user, the rest from the self-nomination when there is
    one (Django's ``display_*`` properties), else from the first nomination."""

    nominee: Nominee
    name: str
    #: The account's address ('' for a nominee without an account).
    email: str
    previous_service: str
    employer: str
    other_affiliations: str
    mission_alignment: bool
    statement_html: str
    #: Accepted and approved nominations by other members (Django's ``nominations_received``).
    received: int


async def election_by_slug(session: AsyncSession, slug: str) -> Election | None:
    query = select(Election).where(Election.slug == slug).options(selectinload(Election.kind))
    return (await session.execute(query)).scalars().first()


async def election_or_404(session: AsyncSession, slug: str) -> Election:
    election = await election_by_slug(session, slug)
    if election is None:
        raise NotFoundException("No such election.")
    return election


async def nomination_or_404(session: AsyncSession, election: Election, pk: int) -> tuple[Nomination, int | None]:
    """The election's nomination ``pk`` and its nominee's user id (None while no account is linked)."""
    query = select(Nomination).where(Nomination.id == pk, Nomination.election_id == election.id)
    nomination = (await session.execute(query)).scalars().first()
    if nomination is None:
        raise NotFoundException("No such nomination.")
    nominee = await session.get(Nominee, nomination.nominee_id) if nomination.nominee_id else None
    return nomination, nominee.user_id if nominee is not None else None


async def elections(session: AsyncSession) -> list[Election]:
    query = select(Election).options(selectinload(Election.kind)).order_by(Election.date.desc(), Election.id.desc())
    return list((await session.execute(query)).scalars())


async def nominee_cards(session: AsyncSession, nominees: list[Nominee]) -> list[NomineeCard]:
    """The nominees' cards, in the given order, from two queries (their users, their nominations)."""
    if not nominees:
        return []
    users = {
        u.id: u
        for u in (
            await session.execute(select(User).where(User.id.in_([n.user_id for n in nominees if n.user_id])))
        ).scalars()
    }
    by_nominee: dict[int, list[Nomination]] = {}
    rows = await session.execute(
        select(Nomination).where(Nomination.nominee_id.in_([n.id for n in nominees])).order_by(Nomination.id)
    )
    for nomination in rows.scalars():
        by_nominee.setdefault(nomination.nominee_id or 0, []).append(nomination)
    cards = []
    for nominee in nominees:
        user = users.get(nominee.user_id or 0)
        made = by_nominee.get(nominee.id, [])
        own = next((n for n in made if user is not None and n.nominator_id == user.id), None)
        source = own or (made[0] if made else None)
        received = sum(1 for n in made if n.accepted and n.approved and (user is None or n.nominator_id != user.id))
        cards.append(
            NomineeCard(
                nominee=nominee,
                name=(user.full_name or user.username) if user is not None else (source.name or "" if source else ""),
                email=user.email if user is not None else "",
                previous_service=(source.previous_board_service or "") if source else "",
                employer=(source.employer or "") if source else "",
                other_affiliations=(source.other_affiliations or "") if source else "",
                mission_alignment=bool(source and source.mission_alignment),
                statement_html=source.nomination_statement_rendered if source else "",
                received=received,
            )
        )
    return cards


async def public_nominees(session: AsyncSession, election: Election, rng: random.Random) -> list[NomineeCard]:
    """The accepted, approved nominees with an account, in an order drawn afresh for each request (the ballot's
    fairness: nobody is always first), shuffled here rather than with ORDER BY RANDOM()."""
    query = select(Nominee).where(
        Nominee.election_id == election.id,
        Nominee.accepted.is_(True),
        Nominee.approved.is_(True),
        Nominee.user_id.is_not(None),
    )
    nominees = list((await session.execute(query.options(selectinload(Nominee.election)))).scalars())
    nominees.sort(key=lambda n: n.id)
    rng.shuffle(nominees)
    return await nominee_cards(session, nominees)


async def own_nominees(session: AsyncSession, election: Election, user_id: int) -> list[NomineeCard]:
    """Before nominations close, a member sees their own nominee entry of *this* election (Django's query listed
    their entries from every election)."""
    query = select(Nominee).where(Nominee.election_id == election.id, Nominee.user_id == user_id)
    nominees = list((await session.execute(query.options(selectinload(Nominee.election)))).scalars())
    return await nominee_cards(session, nominees)


async def nominee_card(session: AsyncSession, nominee: Nominee) -> NomineeCard:
    return (await nominee_cards(session, [nominee]))[0]


async def unique_slug(
    session: AsyncSession, column: Any, text: str, *, scope: Any = None, exclude_id: int | None = None
) -> str:
    """``slugify(text)``, with -2, -3, ... when another row (in ``scope``) has it already."""
    base = slugify(text) or "item"
    model = column.class_
    query = select(column).where(func.lower(column).like(f"{base}%"))
    if scope is not None:
        query = query.where(scope)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    taken = set((await session.execute(query)).scalars())
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


async def fill_slugs(session: AsyncSession, obj: Any) -> None:
    """Give an election kind, election or nominee its slug when it has none (once: renaming keeps it)."""
    if isinstance(obj, ElectionKind) and not obj.slug:
        obj.slug = await unique_slug(session, ElectionKind.slug, obj.name, exclude_id=obj.id)
    elif isinstance(obj, Election) and not obj.slug:
        obj.slug = await unique_slug(session, Election.slug, obj.name, exclude_id=obj.id)
    elif isinstance(obj, Nominee) and not obj.slug and obj.user_id is not None:
        user = await session.get(User, obj.user_id)
        name = (user.full_name or user.username) if user is not None else "nominee"
        obj.slug = await unique_slug(
            session, Nominee.slug, name, scope=Nominee.election_id == obj.election_id, exclude_id=obj.id
        )


# -- writes ----------------------------------------------------------------------------------------------------------
def _site(settings: Settings) -> str:
    return settings.site_url.rstrip("/")


async def own_nominee(session: AsyncSession, election: Election, user_id: int) -> Nominee:
    """The user's nominee entry in the election, made (accepted) when they have none: Django's self-nomination."""
    query = select(Nominee).where(Nominee.election_id == election.id, Nominee.user_id == user_id)
    nominee = (await session.execute(query)).scalars().first()
    if nominee is None:
        nominee = Nominee(election_id=election.id, user_id=user_id, accepted=True, approved=False)
        session.add(nominee)
        await fill_slugs(session, nominee)
        await session.flush()
    nominee.accepted = True
    return nominee


async def save_nomination(
    session: AsyncSession,
    settings: Settings,
    election: Election,
    me: CurrentUser,
    values: dict[str, Any],
    *,
    nomination: Nomination | None,
    self_nomination: bool,
) -> Nomination:
    """Create (``nomination`` None) or update a nomination from validated ``values``. A self-nomination links the
    nominator's own nominee entry and is accepted; a third-party nomination carries no acknowledgments (the
    nominee did not make them) and its nominee is e-mailed once the transaction commits."""
    creating = nomination is None
    if nomination is None:
        nomination = Nomination(election_id=election.id, nominator_id=me.id, accepted=False, approved=False)
        session.add(nomination)
    for field in ("name", "email", "previous_board_service", "employer", "other_affiliations", "nomination_statement"):
        setattr(nomination, field, values.get(field))
    nomination.nomination_statement = values.get("nomination_statement") or ""
    nomination.nomination_statement_markup_type = "markdown"
    own = self_nomination or (not creating and await _is_self_nomination(session, nomination))
    for flag in ("coc_acknowledged", "mission_alignment", "eligibility_confirmed"):
        setattr(nomination, flag, bool(values.get(flag)) if own else False)
    if creating and self_nomination:
        nominee = await own_nominee(session, election, me.id)
        nomination.nominee_id = nominee.id
        nomination.accepted = True
    await session.flush()
    if creating and not self_nomination and nomination.email:
        mail_after_commit(
            session,
            "nomination_received",
            nomination.email,
            election=election,
            nomination=nomination,
            nominator=me.full_name or me.username,
            nomination_url=f"{_site(settings)}/nominations/{election.slug}/{nomination.id}/",
            site=_site(settings),
        )
    return nomination


async def _is_self_nomination(session: AsyncSession, nomination: Nomination) -> bool:
    if nomination.nominee_id is None:
        return False
    nominee = await session.get(Nominee, nomination.nominee_id)
    return nominee is not None and nominee.user_id == nomination.nominator_id


async def accept_nomination(session: AsyncSession, nomination: Nomination, accepted: bool) -> None:
    """The nominee's answer; accepting also marks them accepted as a candidate of the election."""
    nomination.accepted = accepted
    if accepted and nomination.nominee_id is not None:
        nominee = await session.get(Nominee, nomination.nominee_id)
        if nominee is not None:
            nominee.accepted = True


async def mail_approval(session: AsyncSession, settings: Settings, row: Nomination | Nominee) -> None:
    """Tell a nominee that staff approved their nomination or candidacy (Django sent nothing)."""
    election = await session.get(Election, row.election_id)
    if election is None:
        return
    user = None
    nominee = (
        row if isinstance(row, Nominee) else (await session.get(Nominee, row.nominee_id) if row.nominee_id else None)
    )
    if nominee is not None and nominee.user_id is not None:
        user = await session.get(User, nominee.user_id)
    address = user.email if user is not None else (row.email if isinstance(row, Nomination) else None)
    if not address:
        return
    name = (user.full_name or user.username) if user is not None else (row.name if isinstance(row, Nomination) else "")
    accept_url = (
        f"{_site(settings)}/nominations/{election.slug}/{row.id}/accept/"
        if isinstance(row, Nomination) and not row.accepted and user is not None
        else ""
    )
    mail_after_commit(
        session,
        "nomination_approved",
        address,
        election=election,
        name=name or "nominee",
        what="your nomination" if isinstance(row, Nomination) else "your candidacy",
        accept_url=accept_url,
        nominees_url=f"{_site(settings)}{election.nominees_url}",
        site=_site(settings),
    )


@dataclass(frozen=True)
class UserNomination:
    nomination: Nomination
    election: Election
    editable: bool


async def user_nominations(
    session: AsyncSession, user: CurrentUser, now: Any
) -> tuple[list[tuple[Election, list[UserNomination]]], list[tuple[Election, list[UserNomination]]]]:
    """``/users/nominations/``: the nominations the user received and made, grouped by election, newest first."""
    received_ids = select(Nominee.id).where(Nominee.user_id == user.id)
    received = list(
        (await session.execute(select(Nomination).where(Nomination.nominee_id.in_(received_ids)))).scalars()
    )
    made = list((await session.execute(select(Nomination).where(Nomination.nominator_id == user.id))).scalars())
    election_ids = {n.election_id for n in received + made}
    elections_by_id = {
        e.id: e
        for e in (
            await session.execute(
                select(Election).where(Election.id.in_(election_ids)).options(selectinload(Election.kind))
            )
        ).scalars()
    }
    nominee_users = {
        n.id: n.user_id
        for n in (
            await session.execute(
                select(Nominee).where(Nominee.id.in_({x.nominee_id for x in received + made if x.nominee_id}))
            )
        ).scalars()
    }

    def grouped(rows: list[Nomination]) -> list[tuple[Election, list[UserNomination]]]:
        groups: dict[int, list[UserNomination]] = {}
        for row in sorted(rows, key=lambda r: r.id, reverse=True):
            election = elections_by_id[row.election_id]
            editable = nomination_editable(row, nominee_users.get(row.nominee_id or 0), election, user, now)
            groups.setdefault(election.id, []).append(UserNomination(row, election, editable))
        order = sorted(groups, key=lambda pk: (elections_by_id[pk].date, pk), reverse=True)
        return [(elections_by_id[pk], groups[pk]) for pk in order]

    return grouped(received), grouped(made)
