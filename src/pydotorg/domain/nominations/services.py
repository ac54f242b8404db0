"""Reading elections and their nominees, and the slugs that name them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.utils.text import slugify
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models import Election, ElectionKind, Nomination, Nominee, User


@dataclass(frozen=True)
class NomineeCard:
    """A nominee as the pages show one: the name from the user, the rest from the self-nomination when there is
    one (Django's ``display_*`` properties), else from the first nomination."""

    nominee: Nominee
    name: str
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


async def elections(session: AsyncSession) -> list[Election]:
    query = select(Election).options(selectinload(Election.kind)).order_by(Election.date.desc(), Election.id.desc())
    return list((await session.execute(query)).scalars())


async def _cards(session: AsyncSession, nominees: list[Nominee]) -> list[NomineeCard]:
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
    return await _cards(session, nominees)


async def own_nominees(session: AsyncSession, election: Election, user_id: int) -> list[NomineeCard]:
    """Before nominations close, a member sees their own nominee entry of *this* election (Django's query listed
    their entries from every election)."""
    query = select(Nominee).where(Nominee.election_id == election.id, Nominee.user_id == user_id)
    nominees = list((await session.execute(query.options(selectinload(Nominee.election)))).scalars())
    return await _cards(session, nominees)


async def nominee_card(session: AsyncSession, nominee: Nominee) -> NomineeCard:
    return (await _cards(session, [nominee]))[0]


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
