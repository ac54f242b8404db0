"""``/nominations/``: the PSF elections, their nominees and nominations, at Django's URLs and names.

Election pages are public; nominee and nomination pages follow :mod:`.rules`. Pages whose content depends on the
viewer answer with private headers; the nominees list is drawn in a new order on every request, so it is never
kept in the shared cache.
"""

from __future__ import annotations

import random
from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.base import utcnow
from pydotorg.db.models import Nomination, Nominee
from pydotorg.domain.nominations import rules, services
from pydotorg.domain.users.auth import current_user
from pydotorg.web.cache import PRIVATE, cache_policy

CACHED = cache_policy("nominations")


def _page(template: str, *, private: bool = False, **context: Any) -> Template:
    return Template(
        template_name=f"nominations/{template}.html",
        context={"psf_page": True, **context},
        media_type=MediaType.HTML,
        headers=PRIVATE if private else None,
    )


class NominationsController(Controller):
    path = "/nominations"
    include_in_schema = False

    @get("/elections/", name="nominations:elections_list", **CACHED)
    async def elections(self, db_session: AsyncSession) -> Template:
        return _page("election_list", elections=await services.elections(db_session), now=utcnow())

    @get("/election/{slug:str}/", name="nominations:election_detail", **CACHED)
    async def election(self, slug: str, db_session: AsyncSession) -> Template:
        election = await services.election_by_slug(db_session, slug)
        if election is None:
            raise NotFoundException("No such election.")
        return _page("election_detail", election=election, now=utcnow())

    @get("/elections/{slug:str}/nominees/", name="nominations:nominees_list")
    async def nominees(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        election = await services.election_by_slug(db_session, slug)
        if election is None:
            raise NotFoundException("No such election.")
        viewer = current_user(request)
        now = utcnow()
        if rules.nominees_public(election, viewer, now):
            cards = await services.public_nominees(db_session, election, random.SystemRandom())
        elif viewer is not None:
            cards = await services.own_nominees(db_session, election, viewer.id)
        else:
            cards = []
        # a new order for every request: never kept in a shared cache
        return _page("nominee_list", private=True, election=election, nominees=cards, now=now)

    @get("/elections/{election_slug:str}/nominees/{slug:str}/", name="nominations:nominee_detail")
    async def nominee(
        self, request: Request[Any, Any, Any], election_slug: str, slug: str, db_session: AsyncSession
    ) -> Template:
        election = await services.election_by_slug(db_session, election_slug)
        if election is None:
            raise NotFoundException("No such election.")
        query = (
            select(Nominee)
            .where(Nominee.election_id == election.id, Nominee.slug == slug)
            .options(selectinload(Nominee.election))
        )
        nominee = (await db_session.execute(query)).scalars().first()
        viewer = current_user(request)
        now = utcnow()
        if nominee is None or not rules.nominee_visible(nominee, election, viewer, now):
            raise NotFoundException("No such nominee.")
        card = await services.nominee_card(db_session, nominee)
        public = nominee.accepted and nominee.approved and not election.nominations_open(now)
        return _page("nominee_detail", private=not public, election=election, card=card, now=now)

    @get("/{election_slug:str}/{pk:int}/", name="nominations:nomination_detail")
    async def nomination(
        self, request: Request[Any, Any, Any], election_slug: str, pk: int, db_session: AsyncSession
    ) -> Template:
        election = await services.election_by_slug(db_session, election_slug)
        if election is None:
            raise NotFoundException("No such election.")
        query = select(Nomination).where(Nomination.id == pk, Nomination.election_id == election.id)
        nomination = (await db_session.execute(query)).scalars().first()
        if nomination is None:
            raise NotFoundException("No such nomination.")
        nominee = await db_session.get(Nominee, nomination.nominee_id) if nomination.nominee_id else None
        nominee_user_id = nominee.user_id if nominee is not None else None
        viewer = current_user(request)
        if not rules.nomination_visible(nomination, nominee_user_id, election, viewer):
            raise NotFoundException("No such nomination.")
        editable = rules.nomination_editable(nomination, nominee_user_id, election, viewer, utcnow())
        return _page("nomination_detail", private=True, election=election, nomination=nomination, editable=editable)
