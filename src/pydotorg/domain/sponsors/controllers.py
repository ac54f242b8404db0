"""The sponsorship application at Django's URLs:

* ``/sponsors/application/`` (anyone): step 1, the package and benefits, checked against the year's catalogue
  (flag ``sponsorship-applications-open``; when it is off the ``sponsorship-application-closed`` box is shown);
  a valid choice is kept in the ``sponsorship_selected_benefits`` cookie for a day;
* ``/sponsors/application/new/`` (signed in): step 2, an existing sponsor of the applicant or a new one with its
  logos and contacts; the application is one transaction (the sponsor, its contacts, the sponsorship, its benefits,
  features and assets), and its mails leave when it commits.

The selection is checked again at step 2 (a cookie is the visitor's to change), and anything refused re-renders
the form with the reasons and a 400, with nothing written.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.datastructures import Cookie, UploadFile
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms.validators import ValidationError

from pydotorg.db.models import Flag, Sponsor, SponsorContact
from pydotorg.domain.admin.registry import Upload, check_upload
from pydotorg.domain.sponsors import forms, services, use_cases
from pydotorg.domain.users.auth import CurrentUser, current_user, signed_in_user
from pydotorg.domain.users.guards import public_write, requires_login
from pydotorg.lib.forms import FormData, add_error, value
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE
from pydotorg.web.forms import FORM
from pydotorg.web.media import MediaStorage

FLAG = "sponsorship-applications-open"
STEP_1 = "/sponsors/application/"
STEP_2 = "/sponsors/application/new/"
COOKIE_AGE = 24 * 60 * 60


def _page(template: str, status: int = 200, **context: Any) -> Template:
    return Template(
        template_name=f"sponsors/{template}.html",
        context={"psf_page": True, **context},
        media_type=MediaType.HTML,
        headers=PRIVATE,
        status_code=status,
    )


async def _applications_open(request: Request[Any, Any, Any], session: AsyncSession) -> bool:
    flag = (await session.execute(select(Flag).where(Flag.name == FLAG))).scalars().first()
    me = current_user(request)
    return flag is not None and flag.is_active_for(
        is_authenticated=me is not None, is_staff=bool(me and me.is_staff), is_superuser=bool(me and me.is_superuser)
    )


async def _offer(request: Request[Any, Any, Any], session: AsyncSession) -> services.Catalogue:
    """The current year's advertised catalogue; staff may preview another year with ``?config_year=``."""
    year = await services.current_year(session)
    me = current_user(request)
    wanted = request.query_params.get("config_year", "")
    if me is not None and me.is_staff and wanted.isascii() and wanted.isdigit() and 2000 < int(wanted) < 2100:
        year = int(wanted)
    return await services.catalogue(session, year, advertised_only=True)


class SponsorshipApplicationController(Controller):
    path = "/sponsors/application"
    include_in_schema = False
    opt = FORM

    def _step_1(self, offer: services.Catalogue, selection: forms.Selection, errors: list[str], status: int = 200,
                **context: Any) -> Template:  # fmt: skip
        in_any = set().union(*offer.package_benefits.values()) if offer.package_benefits else set()
        return _page(
            "application_benefits",
            status,
            offer=offer,
            selection=selection,
            errors=errors,
            program_field=forms.program_field,
            package_benefits=[b for b in offer.benefits if b.id in in_any],
            a_la_carte=[b for b in offer.benefits if b.id not in in_any and not b.standalone],
            standalone=[b for b in offer.benefits if b.standalone],
            has_capacity=forms.has_capacity,
            # which packages include each benefit (the page's script ticks a package's benefits when it is picked)
            benefit_packages={
                b.id: " ".join(str(p) for p, ids in offer.package_benefits.items() if b.id in ids)
                for b in offer.benefits
            },
            **context,
        )

    @get("/", name="select_sponsorship_application_benefits")
    async def benefits(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        if not await _applications_open(request, db_session):
            return _page("application_closed")
        offer = await _offer(request, db_session)
        selection = forms.Selection.from_cookie(request.cookies.get(forms.COOKIE)) or forms.Selection()
        return self._step_1(offer, selection, [])

    @post("/", name="select_sponsorship_application_benefits_post", status_code=200,
          opt=public_write("anyone may choose benefits; nothing is stored until a signed-in user applies"))  # fmt: skip
    async def choose(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template | Redirect:
        if not await _applications_open(request, db_session):
            return _page("application_closed")
        offer = await _offer(request, db_session)
        selection, errors = forms.read_selection(await request.form(), offer)
        if errors:
            return self._step_1(offer, selection, errors, HTTP_400_BAD_REQUEST)
        target = STEP_2 if current_user(request) is not None else f"/accounts/login/?next={STEP_2}"
        return Redirect(
            target,
            status_code=302,
            cookies=[
                Cookie(
                    key=forms.COOKIE,
                    value=selection.to_cookie(),
                    max_age=COOKIE_AGE,
                    path="/",
                    httponly=True,
                    samesite="lax",
                )
            ],
        )

    async def _selection(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> tuple[services.Catalogue, forms.Selection] | None:
        selection = forms.Selection.from_cookie(request.cookies.get(forms.COOKIE))
        if selection is None:
            return None
        offer = await services.catalogue(db_session, await services.current_year(db_session), advertised_only=True)
        if forms.check_selection(selection, offer):
            return None
        return offer, selection

    async def _my_sponsors(self, db_session: AsyncSession, me: CurrentUser) -> list[Sponsor]:
        query = (
            select(Sponsor)
            .where(Sponsor.id.in_(select(SponsorContact.sponsor_id).where(SponsorContact.user_id == me.id)))
            .order_by(Sponsor.name)
        )
        return list((await db_session.execute(query)).scalars())

    def _step_2(
        self,
        found: tuple[services.Catalogue, forms.Selection],
        form: forms.SponsorForm,
        contacts: list[forms.ContactRow],
        errors: list[str],
        status: int = 200,
    ) -> Template:
        offer, selection = found
        by_id = offer.by_id
        return _page(
            "application_form",
            status,
            form=form,
            contacts=contacts,
            errors=errors,
            package=offer.package(selection.package_id),
            chosen=[by_id[b] for b in selection.benefit_ids if b in by_id],
        )

    @get("/new/", name="new_sponsorship_application", guards=[requires_login])
    async def details(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template | Redirect:
        found = await self._selection(request, db_session)
        if found is None:
            return Redirect(STEP_1, status_code=302)
        me = signed_in_user(request)
        form = forms.SponsorForm()
        form.sponsor.choices = [("", "A new sponsor")] + [
            (str(s.id), s.name) for s in await self._my_sponsors(db_session, me)
        ]
        applicant = SponsorContact(name=f"{me.first_name} {me.last_name}".strip() or me.username, email=me.email,
                                   phone="", primary=True)  # fmt: skip
        rows = forms.contact_rows([applicant])
        return self._step_2(found, form, rows, [])

    @post("/new/", name="new_sponsorship_application_post", guards=[requires_login], status_code=200)
    async def apply(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template | Redirect:
        found = await self._selection(request, db_session)
        if found is None:
            return Redirect(STEP_1, status_code=302)
        offer, selection = found
        me = signed_in_user(request)
        data = await request.form()
        form = forms.SponsorForm(formdata=FormData(data))
        mine = await self._my_sponsors(db_session, me)
        form.sponsor.choices = [("", "A new sponsor")] + [(str(s.id), s.name) for s in mine]
        valid = form.validate()
        rows, problems = forms.read_contacts(data)
        errors: list[str] = []
        sponsor: Sponsor | None = None
        logos: dict[str, tuple[Upload, str, bytes]] = {}
        if value(form.sponsor):
            sponsor = next((s for s in mine if str(s.id) == value(form.sponsor)), None)
            if sponsor is not None and await services.in_progress(db_session, sponsor.id) is not None:
                add_error(form, "sponsor", "This sponsor already has a sponsorship application in progress.")
                valid = False
        else:
            for name in forms.NEW_SPONSOR_REQUIRED:
                if not value(form[name]).strip():
                    add_error(form, name, "This field is required.")
                    valid = False
            errors.extend(problems)
            valid = valid and not problems and forms.contacts_valid(rows)
            for name, spec in (("web_logo", forms.WEB_LOGO), ("white_logo", forms.WHITE_LOGO),
                               ("print_logo", forms.PRINT_LOGO)):  # fmt: skip
                upload = data.get(name)
                if isinstance(upload, UploadFile) and upload.filename:
                    content = await upload.read()
                    try:
                        extension = check_upload(spec, upload.filename, content)
                    except ValidationError as exc:
                        errors.append(f"{name.replace('_', ' ').capitalize()}: {exc}")
                        valid = False
                    else:
                        logos[name] = (spec, extension, content)
                elif name == "web_logo":
                    errors.append("Web logo: a logo for the web (PNG, JPEG, GIF or WebP) is required.")
                    valid = False
        if not valid:
            return self._step_2(found, form, rows, errors, HTTP_400_BAD_REQUEST)
        settings: Settings = request.app.state.settings
        if sponsor is None:
            sponsor = await _new_sponsor(db_session, settings, me, form, rows, logos)
        by_id = offer.by_id
        sponsorship, told = await use_cases.apply(
            db_session, settings, sponsor=sponsor, benefits=[by_id[b] for b in selection.benefit_ids],
            package=offer.package(selection.package_id), user_id=me.id, user_email=me.email,
        )  # fmt: skip
        await db_session.commit()
        response = _page("application_finished", sponsorship=sponsorship, sponsor=sponsor, notified=told)
        response.cookies.append(Cookie(key=forms.COOKIE, value="", max_age=0, path="/"))
        return response


async def _new_sponsor(  # noqa: PLR0917 - the parts of one form
    db_session: AsyncSession,
    settings: Settings,
    me: CurrentUser,
    form: forms.SponsorForm,
    rows: list[forms.ContactRow],
    logos: dict[str, tuple[Upload, str, bytes]],
) -> Sponsor:
    """The sponsor and its contacts from step 2 (a contact with the applicant's address is linked to them)."""
    stored: dict[str, str] = {}
    media = MediaStorage.from_settings(settings)
    for name, (spec, extension, content) in logos.items():
        stored[name] = await media.store(spec.folder, extension, content)
    sponsor = Sponsor(
        **{name: value(form[name]).strip() for name in forms.NEW_SPONSOR_REQUIRED},
        landing_page_url=value(form.landing_page_url).strip() or None,
        twitter_handle=value(form.twitter_handle).strip() or None,
        linked_in_page_url=value(form.linked_in_page_url).strip() or None,
        mailing_address_line_2=value(form.mailing_address_line_2).strip(),
        state=value(form.state).strip(),
        country_of_incorporation=value(form.country_of_incorporation).strip().upper() or None,
        state_of_incorporation=value(form.state_of_incorporation).strip() or None,
        web_logo=stored["web_logo"],
        white_logo=stored.get("white_logo"),
        print_logo=stored.get("print_logo"),
        creator_id=me.id,
    )
    sponsor.country = sponsor.country.upper()
    db_session.add(sponsor)
    await db_session.flush()
    for row in rows:
        if row.filled:
            email = value(row.form.email).strip()
            db_session.add(
                SponsorContact(
                    sponsor_id=sponsor.id,
                    name=value(row.form.name).strip(),
                    email=email,
                    phone=value(row.form.phone).strip(),
                    user_id=me.id if email.lower() == me.email.lower() else None,
                    **row.flags,
                )
            )
    await db_session.flush()
    return sponsor
