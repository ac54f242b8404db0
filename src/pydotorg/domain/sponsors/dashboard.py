"""The sponsor dashboard under ``/users/sponsorships/`` (Django's ``users`` views for sponsors): the user's
sponsorships, a sponsorship's detail with its pending and fulfilled assets, the required-assets form (one field
per asset: an image checked against its size limits, a text up to its length, a yes/no answer), the provided
assets, and editing the sponsor with its contacts.

Access is Django's: a sponsorship the user submitted or whose sponsor lists them as a contact, or any for a
superuser; any other id answers 404, so ids cannot be probed.
"""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from litestar import Controller, MediaType, Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from PIL import Image
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms.validators import ValidationError

from pydotorg.db.models import (
    ImgAsset,
    RequiredImgAsset,
    RequiredResponseAsset,
    RequiredTextAsset,
    ResponseAsset,
    Sponsor,
    SponsorContact,
    TextAsset,
)
from pydotorg.domain.admin.registry import check_upload, image_upload
from pydotorg.domain.sponsors import forms, services
from pydotorg.domain.users.auth import CurrentUser, signed_in_user
from pydotorg.domain.users.guards import requires_login
from pydotorg.lib.errors import NotFoundError
from pydotorg.lib.forms import FormData, add_error, value
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE
from pydotorg.web.forms import FORM
from pydotorg.web.media import MediaStorage

ASSET_IMAGE = image_upload("sponsors-app-assets", max_mb=10)
RESPONSES = ("Yes", "No")


def _page(template: str, status: int = 200, **context: Any) -> Template:
    return Template(
        template_name=f"sponsors/{template}.html",
        context=context,
        media_type=MediaType.HTML,
        headers=PRIVATE,
        status_code=status,
    )


async def _sponsorship(db_session: AsyncSession, pk: int, me: CurrentUser) -> Any:
    try:
        return await services.sponsorship_for(db_session, pk, me.id, superuser=me.is_superuser)
    except NotFoundError as exc:
        raise NotFoundException(exc.message) from None


def image_size_error(slot_feature: RequiredImgAsset, content: bytes) -> str | None:
    """The image's dimensions against the asset's limits (Django's ``ImageFieldWithDimensions``)."""
    with Image.open(io.BytesIO(content)) as image:
        width, height = image.size
    if not (slot_feature.min_width <= width <= slot_feature.max_width):
        return f"The image must be between {slot_feature.min_width} and {slot_feature.max_width} pixels wide."
    if not (slot_feature.min_height <= height <= slot_feature.max_height):
        return f"The image must be between {slot_feature.min_height} and {slot_feature.max_height} pixels high."
    return None


class SponsorDashboardController(Controller):
    path = "/users/sponsorships"
    include_in_schema = False
    opt = FORM
    guards = [requires_login]

    @get("/", name="users:user_sponsorships_dashboard")
    async def dashboard(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        me = signed_in_user(request)
        sponsorships = list((await db_session.execute(services.visible_sponsorships(me.id))).scalars())
        active = [s for s in sponsorships if services.is_active(s)]
        inactive: dict[str, list[Any]] = defaultdict(list)
        for sponsorship in sponsorships:
            if sponsorship not in active:
                inactive[services.status_label(sponsorship.status)].append(sponsorship)
        return _page(
            "dashboard",
            active=active,
            inactive=dict(inactive),
            level_name=services.level_name,
            status_label=services.status_label,
        )

    @get("/{pk:int}/", name="users:sponsorship_application_detail")
    async def detail(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Template:
        me = signed_in_user(request)
        sponsorship = await _sponsorship(db_session, pk, me)
        required, provided = await services.asset_slots(db_session, sponsorship)
        return _page(
            "sponsorship_detail",
            sponsorship=sponsorship,
            sponsor=sponsorship.sponsor,
            benefits=await services.sponsor_benefits(db_session, pk),
            pending=[s for s in required if s.value is None],
            fulfilled=[s for s in required if s.value is not None],
            provided=provided,
            level_name=services.level_name(sponsorship),
            status_label=services.status_label(sponsorship.status),
            open_for_editing=services.open_for_editing(sponsorship),
        )

    @get("/{pk:int}/provided-assets/", name="users:view_provided_sponsorship_assets")
    async def provided(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Template:
        me = signed_in_user(request)
        sponsorship = await _sponsorship(db_session, pk, me)
        _required, provided = await services.asset_slots(db_session, sponsorship)
        focus = request.query_params.get("provided_asset", "")
        if focus.isascii() and focus.isdigit():
            provided = [s for s in provided if s.feature.id == int(focus)] or provided
        return _page("provided_assets", sponsorship=sponsorship, provided=provided)

    def _assets_page(self, sponsorship: Any, slots: list[Any], errors: dict[int, str], status: int = 200) -> Template:
        return _page(
            "required_assets",
            status,
            sponsorship=sponsorship,
            slots=slots,
            errors=errors,
            responses=RESPONSES,
            kind=lambda f: type(f).__name__,
        )

    @get("/{pk:int}/assets/", name="users:update_sponsorship_assets")
    async def assets(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Template:
        me = signed_in_user(request)
        sponsorship = await _sponsorship(db_session, pk, me)
        required, _provided = await services.asset_slots(db_session, sponsorship)
        focus = request.query_params.get("required_asset", "")
        if focus.isascii() and focus.isdigit():
            required = [s for s in required if s.feature.id == int(focus)] or required
        return self._assets_page(sponsorship, required, {})

    @post("/{pk:int}/assets/", name="users:update_sponsorship_assets_post", status_code=200)
    async def save_assets(
        self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession
    ) -> Template | Redirect:
        me = signed_in_user(request)
        sponsorship = await _sponsorship(db_session, pk, me)
        required, _provided = await services.asset_slots(db_session, sponsorship)
        updates, errors = await read_assets(required, await request.form())
        settings: Settings = request.app.state.settings
        if errors:
            return self._assets_page(sponsorship, required, errors, HTTP_400_BAD_REQUEST)
        media = MediaStorage.from_settings(settings)
        for slot, new in updates:
            asset = slot.asset
            if asset is None:  # an asset row that was never created (an imported sponsorship): create it now
                kind = {RequiredImgAsset: ImgAsset, RequiredTextAsset: TextAsset, RequiredResponseAsset: ResponseAsset}
                owner_id = sponsorship.sponsor_id if slot.feature.related_to == "sponsor" else sponsorship.id
                asset = kind[type(slot.feature)](
                    content_type=slot.feature.related_to, object_id=owner_id, internal_name=slot.feature.internal_name
                )
                db_session.add(asset)
            if isinstance(asset, ImgAsset):
                extension, content = new
                asset.image = await media.store(ASSET_IMAGE.folder, extension, content)
            elif isinstance(asset, TextAsset):
                asset.text = new
            elif isinstance(asset, ResponseAsset):
                asset.response = new
        await db_session.commit()
        flash(request, "Assets were updated successfully.", category="success")
        return Redirect(f"/users/sponsorships/{pk}/", status_code=302)

    # -- the sponsor ---------------------------------------------------------------------------------------------
    @get("/sponsor/edit/", name="users:edit_sponsor_info_implicit")
    async def edit_implicit(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template | Redirect:
        me = signed_in_user(request)
        sponsors = await services.sponsors_for(db_session, me.id)
        if not sponsors:
            flash(request, "You do not have any active sponsorships to edit.", category="warning")
            return Redirect("/users/edit/", status_code=302)
        if len(sponsors) == 1:
            return Redirect(f"/users/sponsorships/sponsor/{sponsors[0].id}/", status_code=302)
        return _page("sponsor_select", sponsors=sponsors)

    async def _sponsor(self, db_session: AsyncSession, pk: int, me: CurrentUser) -> Sponsor:
        if me.is_superuser:
            sponsor = await db_session.get(Sponsor, pk)
        else:
            sponsor = next((s for s in await services.sponsors_for(db_session, me.id) if s.id == pk), None)
        if sponsor is None:
            raise NotFoundException("No such sponsor.")
        return sponsor

    def _sponsor_page(self, sponsor: Sponsor, form: Any, rows: list[Any], errors: list[str], status: int = 200
                      ) -> Template:  # fmt: skip
        return _page("sponsor_edit", status, sponsor=sponsor, form=form, contacts=rows, errors=errors)

    @get("/sponsor/{pk:int}/", name="users:edit_sponsor_info")
    async def edit_sponsor(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Template:
        me = signed_in_user(request)
        sponsor = await self._sponsor(db_session, pk, me)
        form = forms.SponsorForm(obj=sponsor)
        del form.sponsor
        rows = forms.contact_rows(await services.contacts_of(db_session, sponsor.id))
        return self._sponsor_page(sponsor, form, rows, [])

    @post("/sponsor/{pk:int}/", name="users:edit_sponsor_info_post", status_code=200)
    async def save_sponsor(
        self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession
    ) -> Template | Redirect:
        me = signed_in_user(request)
        sponsor = await self._sponsor(db_session, pk, me)
        data = await request.form()
        form = forms.SponsorForm(formdata=FormData(data))
        del form.sponsor
        valid = form.validate()
        for name in forms.NEW_SPONSOR_REQUIRED:
            if not value(form[name]).strip():
                add_error(form, name, "This field is required.")
                valid = False
        rows, problems = forms.read_contacts(data)
        valid = valid and not problems and forms.contacts_valid(rows)
        logos: dict[str, tuple[str, str, bytes]] = {}
        errors = list(problems)
        for name, spec in (("web_logo", forms.WEB_LOGO), ("white_logo", forms.WHITE_LOGO),
                           ("print_logo", forms.PRINT_LOGO)):  # fmt: skip
            upload = data.get(name)
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                try:
                    logos[name] = (spec.folder, check_upload(spec, upload.filename, content), content)
                except ValidationError as exc:
                    errors.append(f"{name.replace('_', ' ').capitalize()}: {exc}")
                    valid = False
        if not valid:
            return self._sponsor_page(sponsor, form, rows, errors, HTTP_400_BAD_REQUEST)
        for name in ("name", "description", "primary_phone", "mailing_address_line_1", "mailing_address_line_2",
                     "city", "state", "postal_code"):  # fmt: skip
            setattr(sponsor, name, value(form[name]).strip())
        sponsor.country = value(form.country).strip().upper()
        for name in ("landing_page_url", "twitter_handle", "linked_in_page_url", "state_of_incorporation"):
            setattr(sponsor, name, value(form[name]).strip() or None)
        sponsor.country_of_incorporation = value(form.country_of_incorporation).strip().upper() or None
        media = MediaStorage.from_settings(request.app.state.settings)
        for name, (folder, extension, content) in logos.items():
            setattr(sponsor, name, await media.store(folder, extension, content))
        sponsor.last_modified_by_id = me.id
        # the formset replaces the contacts: the filled rows, in order, keeping each address's account link
        old = {c.email.lower(): c.user_id for c in await services.contacts_of(db_session, sponsor.id)}
        await db_session.execute(delete(SponsorContact).where(SponsorContact.sponsor_id == sponsor.id))
        for row in rows:
            if row.filled:
                email = value(row.form.email).strip()
                linked = me.id if email.lower() == me.email.lower() else old.get(email.lower())
                contact = SponsorContact(
                    sponsor_id=sponsor.id,
                    name=value(row.form.name).strip(),
                    email=email,
                    phone=value(row.form.phone).strip(),
                    user_id=linked,
                    **row.flags,
                )
                db_session.add(contact)
        await db_session.commit()
        flash(request, "Sponsor info updated with success.", category="success")
        return Redirect(f"/users/sponsorships/sponsor/{pk}/", status_code=302)


async def read_assets(required: list[Any], data: Any) -> tuple[list[tuple[Any, Any]], dict[int, str]]:
    """The posted value of each required asset, checked: (slot, new value) pairs and errors by feature id. An
    empty field leaves the asset as it is."""
    errors: dict[int, str] = {}
    updates: list[tuple[Any, Any]] = []
    for slot in required:
        raw = data.get(f"asset-{slot.feature.id}")
        feature = slot.feature
        if isinstance(feature, RequiredImgAsset):
            if isinstance(raw, UploadFile) and raw.filename:
                content = await raw.read()
                try:
                    extension = check_upload(ASSET_IMAGE, raw.filename, content)
                except ValidationError as exc:
                    errors[feature.id] = str(exc)
                    continue
                problem = image_size_error(feature, content)
                if problem:
                    errors[feature.id] = problem
                    continue
                updates.append((slot, (extension, content)))
        elif isinstance(feature, RequiredTextAsset):
            if raw is None or isinstance(raw, UploadFile):
                continue
            text = str(raw).replace("\r\n", "\n").replace("\x00", "")
            if feature.max_length and len(text) > feature.max_length:
                errors[feature.id] = f"Ensure this value has at most {feature.max_length} characters."
                continue
            updates.append((slot, text))
        elif isinstance(feature, RequiredResponseAsset) and raw not in (None, ""):
            if raw not in RESPONSES:
                errors[feature.id] = "Select Yes or No."
                continue
            updates.append((slot, raw))
    return updates, errors
