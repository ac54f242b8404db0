"""``/nominations/``: the PSF elections, their nominees and nominations, at Django's URLs and names.

Election pages are public; nominee and nomination pages follow :mod:`.rules`. Pages whose content depends on the
viewer answer with private headers; the nominees list is drawn in a new order on every request, so it is never
kept in the shared cache.
"""

from __future__ import annotations

import random
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.base import utcnow
from pydotorg.db.models import Election, ElectionKind, Nomination, Nominee
from pydotorg.db.models.nominations import safe_colour
from pydotorg.domain.nominations import forms, rules, services
from pydotorg.domain.users.auth import CurrentUser, current_user, safe_next
from pydotorg.domain.users.guards import requires_login
from pydotorg.lib import markup
from pydotorg.lib.forms import add_error, bind, value
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE, cache_policy
from pydotorg.web.forms import FORM

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

    @get("/accents.css", name="nominations:accents", opt={"append_slash": False}, **CACHED)
    async def accents(self, db_session: AsyncSession) -> Response[str]:
        """Each election kind's accent colour as a class (``election-kind-<id>``): the pages are themed without
        inline styles, which the Content-Security-Policy forbids, and only with colours that were checked."""
        kinds = (await db_session.execute(select(ElectionKind).order_by(ElectionKind.id))).scalars()
        rules_css = "".join(
            f".election-kind-{kind.id} {{ --election-accent: {safe_colour(kind.accent_color)}; }}\n" for kind in kinds
        )
        return Response(rules_css, media_type="text/css")

    @get("/elections/", name="nominations:elections_list", **CACHED)
    async def elections(self, db_session: AsyncSession) -> Template:
        return _page("election_list", elections=await services.elections(db_session), now=utcnow())

    @get("/election/{slug:str}/", name="nominations:election_detail", **CACHED)
    async def election(self, slug: str, db_session: AsyncSession) -> Template:
        election = await services.election_or_404(db_session, slug)
        return _page("election_detail", election=election, now=utcnow())

    @get("/elections/{slug:str}/nominees/", name="nominations:nominees_list")
    async def nominees(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        election = await services.election_or_404(db_session, slug)
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
        election = await services.election_or_404(db_session, election_slug)
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
        election = await services.election_or_404(db_session, election_slug)
        nomination, nominee_user_id = await services.nomination_or_404(db_session, election, pk)
        viewer = current_user(request)
        if not rules.nomination_visible(nomination, nominee_user_id, election, viewer):
            raise NotFoundException("No such nomination.")
        editable = rules.nomination_editable(nomination, nominee_user_id, election, viewer, utcnow())
        can_accept = editable and viewer is not None and viewer.id == nominee_user_id
        return _page(
            "nomination_detail",
            private=True,
            election=election,
            nomination=nomination,
            editable=editable,
            can_accept=can_accept,
        )


def _me(request: Request[Any, Any, Any]) -> CurrentUser:
    user = current_user(request)
    if user is None:  # the guard ran first
        raise PermissionDeniedException()
    return user


def _form_values(form: forms.NominationForm, election: Election) -> dict[str, Any]:
    return {
        "name": value(form.name).strip(),
        "email": value(form.email).strip(),
        "previous_board_service": forms.previous_service_text(form, election),
        "employer": value(form.employer).strip() or None,
        "other_affiliations": value(form.other_affiliations).strip() or None,
        "nomination_statement": value(form.nomination_statement),
        "coc_acknowledged": bool(form.coc_acknowledged.data),
        "mission_alignment": bool(getattr(form, "mission_alignment", None) and form.mission_alignment.data),
        "eligibility_confirmed": bool(getattr(form, "eligibility_confirmed", None) and form.eligibility_confirmed.data),
    }


class NominationWriteController(Controller):
    """Nominating, editing and accepting, and the statement preview (Django's ``nomination_create``,
    ``nomination_edit``, ``nomination_accept`` and ``nomination_preview``)."""

    path = "/nominations"
    include_in_schema = False
    opt = FORM

    async def _open_election(self, db_session: AsyncSession, slug: str) -> Election:
        election = await services.election_or_404(db_session, slug)
        now = utcnow()
        if not election.nominations_open(now):
            # Django answers 404 with a message when nominations are not open yet or have closed
            when = "have closed" if election.nominations_complete(now) else "are not open yet"
            raise NotFoundException(f"Nominations for the {election.name} {when}.")
        return election

    async def _validated(
        self, request: Request[Any, Any, Any], election: Election, *, creating: bool
    ) -> tuple[forms.NominationForm, bool]:
        """The posted form fitted to the election, with Django's cross-field rules applied: (form, valid)."""
        me = _me(request)
        form = forms.prepare(await bind(forms.NominationForm, request), election, utcnow().date(), creating=creating)
        valid = form.validate()
        checks = forms.check(form, election, first_name=me.first_name, last_name=me.last_name, creating=creating)
        for field, message in checks.items():
            add_error(form, field, message)
        return form, valid and not checks

    def _render(
        self, election: Election, form: forms.NominationForm, *, nomination: Nomination | None, status: int = 200
    ) -> Template:
        template = _page(
            "nomination_form", private=True, election=election, form=form, nomination=nomination, now=utcnow()
        )
        template.status_code = status
        return template

    @post("/statement-preview/", name="nominations:nomination_preview", guards=[requires_login], status_code=200)
    async def preview(self, request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
        """The statement rendered exactly as saving it would (Markdown, sanitised), as JSON ``{"html": ...}``."""
        data = await request.form()
        text = str(data.get("text", ""))[:20000].replace("\x00", "")
        return Response({"html": markup.render(text, "markdown")}, media_type=MediaType.JSON, headers=PRIVATE)

    @get("/{election_slug:str}/create/", name="nominations:nomination_create", guards=[requires_login])
    async def create_form(
        self, request: Request[Any, Any, Any], election_slug: str, db_session: AsyncSession
    ) -> Template:
        election = await self._open_election(db_session, election_slug)
        form = forms.prepare(forms.NominationForm(), election, utcnow().date(), creating=True)
        return self._render(election, form, nomination=None)

    @post(
        "/{election_slug:str}/create/",
        name="nominations:nomination_create_post",
        guards=[requires_login],
        status_code=200,
    )
    async def create(
        self, request: Request[Any, Any, Any], election_slug: str, db_session: AsyncSession, settings: Settings
    ) -> Response[Any]:
        election = await self._open_election(db_session, election_slug)
        form, valid = await self._validated(request, election, creating=True)
        if not valid:
            return self._render(election, form, nomination=None, status=HTTP_400_BAD_REQUEST)
        nomination = await services.save_nomination(
            db_session,
            settings,
            election,
            _me(request),
            _form_values(form, election),
            nomination=None,
            self_nomination=bool(form.self_nomination.data),
        )
        await db_session.commit()
        return Redirect(f"/nominations/{election.slug}/{nomination.id}/")

    @get("/{election_slug:str}/{pk:int}/edit/", name="nominations:nomination_edit", guards=[requires_login])
    async def edit_form(
        self, request: Request[Any, Any, Any], election_slug: str, pk: int, db_session: AsyncSession
    ) -> Template:
        election, nomination = await self._editable(request, db_session, election_slug, pk)
        form = forms.prepare(
            forms.NominationForm(data=forms.initial(nomination)), election, utcnow().date(), creating=False
        )
        return self._render(election, form, nomination=nomination)

    async def _editable(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, election_slug: str, pk: int
    ) -> tuple[Election, Nomination]:
        election = await services.election_or_404(db_session, election_slug)
        nomination, nominee_user_id = await services.nomination_or_404(db_session, election, pk)
        if not rules.nomination_editable(nomination, nominee_user_id, election, _me(request), utcnow()):
            raise PermissionDeniedException("This nomination cannot be changed by you (or no longer can be).")
        return election, nomination

    @post(
        "/{election_slug:str}/{pk:int}/edit/",
        name="nominations:nomination_edit_post",
        guards=[requires_login],
        status_code=200,
    )
    async def edit(
        self,
        request: Request[Any, Any, Any],
        election_slug: str,
        pk: int,
        db_session: AsyncSession,
        settings: Settings,
    ) -> Response[Any]:
        election, nomination = await self._editable(request, db_session, election_slug, pk)
        form, valid = await self._validated(request, election, creating=False)
        if not valid:
            return self._render(election, form, nomination=nomination, status=HTTP_400_BAD_REQUEST)
        await services.save_nomination(
            db_session,
            settings,
            election,
            _me(request),
            _form_values(form, election),
            nomination=nomination,
            self_nomination=False,
        )
        await db_session.commit()
        # Django followed any POSTed `next` (an open redirect): here only a path on this site
        data = await request.form()
        return Redirect(safe_next(str(data.get("next", "")), f"/nominations/{election.slug}/{nomination.id}/"))

    async def _acceptable(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, election_slug: str, pk: int
    ) -> tuple[Election, Nomination]:
        election = await services.election_or_404(db_session, election_slug)
        nomination, nominee_user_id = await services.nomination_or_404(db_session, election, pk)
        me = _me(request)
        if nominee_user_id != me.id or not election.nominations_open(utcnow()):
            raise PermissionDeniedException("Only the nominee may accept a nomination, while nominations are open.")
        return election, nomination

    @get("/{election_slug:str}/{pk:int}/accept/", name="nominations:nomination_accept", guards=[requires_login])
    async def accept_form(
        self, request: Request[Any, Any, Any], election_slug: str, pk: int, db_session: AsyncSession
    ) -> Template:
        election, nomination = await self._acceptable(request, db_session, election_slug, pk)
        form = forms.AcceptForm(data={"accepted": nomination.accepted})
        return _page("nomination_accept", private=True, election=election, nomination=nomination, form=form)

    @post(
        "/{election_slug:str}/{pk:int}/accept/",
        name="nominations:nomination_accept_post",
        guards=[requires_login],
        status_code=200,
    )
    async def accept(
        self, request: Request[Any, Any, Any], election_slug: str, pk: int, db_session: AsyncSession
    ) -> Response[Any]:
        election, nomination = await self._acceptable(request, db_session, election_slug, pk)
        form = await bind(forms.AcceptForm, request)
        form.validate()
        await services.accept_nomination(db_session, nomination, bool(form.accepted.data))
        await db_session.commit()
        return Redirect(f"/nominations/{election.slug}/{nomination.id}/")


class UserNominationsController(Controller):
    """``/users/nominations/``: Django's ``user_nominations_view``."""

    path = "/users"
    include_in_schema = False

    @get("/nominations/", name="users:user_nominations_view", guards=[requires_login])
    async def nominations(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        received, made = await services.user_nominations(db_session, _me(request), utcnow())
        return _page("user_nominations", private=True, received=received, made=made)
