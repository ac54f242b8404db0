"""The sponsorship admin: the catalogue (programs, packages, benefits with their packages, clauses and conflicts,
every kind of feature configuration, legal clauses, the current year), sponsors and contacts, sponsorships, the
notification templates (syntax checked on save, previewed with sample values) and contracts; and Django's
sponsorship buttons — approve (package, fee, dates, renewal), reject, roll back to editing, lock and unlock, list
assets — each calling the use case, so the rule, the history line and the mail are the same wherever a
sponsorship changes. The views check ``sponsors.change_sponsorship`` as Django's did.
"""

from __future__ import annotations

import datetime
from typing import Any

from jinja2 import TemplateError
from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Stream
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy import not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from pydotorg.db.models import (
    Contract,
    EmailTargetableConfiguration,
    FileAsset,
    GenericAsset,
    ImgAsset,
    LegalClause,
    LogoPlacementConfiguration,
    ProvidedFileAssetConfiguration,
    ProvidedTextAssetConfiguration,
    RequiredImgAssetConfiguration,
    RequiredResponseAssetConfiguration,
    RequiredTextAssetConfiguration,
    ResponseAsset,
    Sponsor,
    SponsorBenefit,
    SponsorContact,
    SponsorEmailNotificationTemplate,
    Sponsorship,
    SponsorshipBenefit,
    SponsorshipCurrentYear,
    SponsorshipPackage,
    SponsorshipProgram,
    TextAsset,
    TieredBenefitConfiguration,
)
from pydotorg.db.models.sponsors import SponsorshipStatus
from pydotorg.db.models.users import AdminAction, AdminLogEntry
from pydotorg.domain.admin.controllers import page
from pydotorg.domain.admin.registry import ComputedFilter, ManyToMany, ModelAdmin, Upload, image_upload, register
from pydotorg.domain.sponsors import asset_export, cloning, contracts, exports, notifications, services, use_cases
from pydotorg.domain.users.auth import CurrentUser, current_user, has_perm
from pydotorg.lib.errors import DomainError
from pydotorg.lib.forms import FormData, SiteForm, add_error
from pydotorg.web.media import MediaStorage

SPONSORSHIP_URL = "/admin/sponsors/sponsorship/"
CHANGE_PERMISSION = "sponsors.change_sponsorship"
PUBLISHER_CHOICES = list(services.PUBLISHERS.items())
PLACE_CHOICES = list(services.LOGO_PLACES.items())
RELATED_CHOICES = list(services.RELATED_TO.items())
#: A sponsor, sponsorship, package and dates to preview a template with.
SAMPLE_CONTEXT: dict[str, Any] = {
    "sponsor_name": "Example Corp",
    "sponsorship_level": "Visionary",
    "year": datetime.date.today().year,
    "start_date": datetime.date.today(),
    "end_date": datetime.date.today() + datetime.timedelta(days=365),
    "status": "Applied",
    "for_modified_package": False,
    "estimated_cost": 150000,
    "submitted_by": "applicant <applicant@example.org>",
    "benefits": ["Foundation - Logo on the PSF sponsors page", "PyPI - Logo on PyPI"],
    "required_assets": ["Logo for the sponsors page"],
    "sponsorship_url": "https://www.python.org/users/sponsorships/1/",
    "admin_url": "https://www.python.org/admin/sponsors/sponsorship/1/",
}


def _sponsorship_tools(obj: Any) -> list[tuple[str, str]]:
    base = f"{SPONSORSHIP_URL}{obj.id}"
    tools: list[tuple[str, str]] = []
    if obj.status == SponsorshipStatus.APPLIED:
        tools += [
            ("Approve", f"{base}/approve/"),
            ("Approve with a signed contract", f"{base}/approve-existing/"),
            ("Reject", f"{base}/reject/"),
        ]
    if obj.status in services.ROLLBACK_FROM and obj.status != SponsorshipStatus.APPLIED:
        tools.append(("Roll back to editing", f"{base}/enable-edit/"))
    tools.append(("Unlock" if obj.locked else "Lock", f"{base}/{'unlock' if obj.locked else 'lock'}/"))
    tools.append(("Benefits and assets", f"{base}/list-assets/"))
    tools.append(("Sponsor's view", f"/users/sponsorships/{obj.id}/"))
    return tools


def _template_tools(obj: Any) -> list[tuple[str, str]]:
    return [("Preview", f"/admin/sponsors/sponsoremailnotificationtemplate/{obj.id}/preview-content/")]


async def validate_template(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    return notifications.check_syntax(form["subject"].data or "", form["content"].data or "")


async def validate_package(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    year = form["year"].data
    if year is not None and not 2022 <= year <= 2050:  # Django's YEAR_VALIDATORS
        return {"year": "The year must be between 2022 and 2050."}
    return {}


async def validate_sponsorship(_session: AsyncSession, form: Any, obj: Any) -> dict[str, str]:
    start, end = form["start_date"].data, form["end_date"].data
    if start and end and start >= end:
        return {"end_date": "The end date must be after the start date."}
    return {}


def _ordered(model: type[Any], name: str, plural: str, fields: list[str], **extra: Any) -> ModelAdmin:
    return register(
        ModelAdmin(
            model=model,
            app_label="sponsors",
            model_name=model.__name__.lower(),
            verbose_name=name,
            verbose_name_plural=plural,
            fields=fields,
            **extra,
        )
    )


_ordered(
    SponsorshipProgram,
    "sponsorship program",
    "sponsorship programs",
    ["name", "description", "order"],
    list_display=["name", "order"],
    ordering="order",
    search_fields=["name"],
)
_ordered(
    SponsorshipPackage,
    "sponsorship package",
    "sponsorship packages",
    ["name", "slug", "year", "sponsorship_amount", "advertise", "logo_dimension", "allow_a_la_carte", "order"],
    list_display=["name", "year", "sponsorship_amount", "advertise", "logo_dimension", "order"],
    list_filter=["year", "advertise"],
    ordering="order",
    search_fields=["name", "slug"],
    help_texts={
        "slug": "The package's identity across years (not unique).",
        "logo_dimension": "The width of this package's logos on the sponsors page, in pixels.",
    },
    validate=validate_package,
)
_ordered(
    LegalClause,
    "legal clause",
    "legal clauses",
    ["internal_name", "clause", "notes", "order"],
    list_display=["internal_name", "order"],
    ordering="order",
    search_fields=["internal_name", "clause"],
)
_ordered(
    SponsorshipBenefit,
    "sponsorship benefit",
    "sponsorship benefits",
    [
        "name",
        "description",
        "program_id",
        "year",
        "packages",
        "package_only",
        "new",
        "unavailable",
        "standalone",
        "legal_clauses",
        "conflicts",
        "internal_description",
        "internal_value",
        "capacity",
        "soft_capacity",
        "order",
    ],
    list_display=["name", "program_id", "year", "internal_value", "package_only", "standalone", "unavailable"],
    list_filter=["program_id", "year", "package_only", "new", "standalone", "unavailable"],
    search_fields=["name"],
    ordering="order",
    fk_select={"program_id": SponsorshipProgram},
    many_to_many={
        "packages": ManyToMany("packages", SponsorshipPackage),
        "legal_clauses": ManyToMany("legal_clauses", LegalClause),
        "conflicts": ManyToMany("conflicts", SponsorshipBenefit),
    },
    related=[
        (label, f"sponsors.{model.__name__.lower()}", "benefit_id")
        for label, model in (
            ("Logo placements", LogoPlacementConfiguration),
            ("Tiers", TieredBenefitConfiguration),
            ("E-mail targetable", EmailTargetableConfiguration),
            ("Required images", RequiredImgAssetConfiguration),
            ("Required texts", RequiredTextAssetConfiguration),
            ("Required answers", RequiredResponseAssetConfiguration),
            ("Provided texts", ProvidedTextAssetConfiguration),
            ("Provided files", ProvidedFileAssetConfiguration),
        )
    ],
)
CURRENT_YEAR_ADMIN = register(
    ModelAdmin(
        model=SponsorshipCurrentYear,
        app_label="sponsors",
        model_name="sponsorshipcurrentyear",
        verbose_name="active year",
        verbose_name_plural="active year",
        fields=["year"],
        list_display=["year"],
        can_add=False,
        object_tools=lambda obj: [
            ("Clone a year's catalogue", f"/admin/sponsors/sponsorshipcurrentyear/{obj.id}/clone-year-config/")
        ],
        can_delete=False,
        help_texts={"year": "New applications are for this year's catalogue."},
    )
)

ASSET_FIELDS = ["benefit_id", "related_to", "internal_name", "label", "help_text"]
for _model, _name, _fields in (
    (
        LogoPlacementConfiguration,
        "logo placement configuration",
        ["benefit_id", "publisher", "logo_place", "link_to_sponsors_page", "describe_as_sponsor"],
    ),
    (
        TieredBenefitConfiguration,
        "tiered benefit configuration",
        ["benefit_id", "package_id", "quantity", "display_label"],
    ),
    (EmailTargetableConfiguration, "e-mail targetable configuration", ["benefit_id"]),
    (
        RequiredImgAssetConfiguration,
        "required image configuration",
        [*ASSET_FIELDS, "due_date", "min_width", "max_width", "min_height", "max_height"],
    ),
    (RequiredTextAssetConfiguration, "required text configuration", [*ASSET_FIELDS, "due_date", "max_length"]),
    (RequiredResponseAssetConfiguration, "required response configuration", [*ASSET_FIELDS, "due_date"]),
    (ProvidedTextAssetConfiguration, "provided text configuration", [*ASSET_FIELDS, "shared", "shared_text"]),
    (ProvidedFileAssetConfiguration, "provided file configuration", [*ASSET_FIELDS, "shared", "shared_file"]),
):
    register(
        ModelAdmin(
            model=_model,
            app_label="sponsors",
            model_name=_model.__name__.lower(),
            verbose_name=_name,
            verbose_name_plural=f"{_name}s",
            fields=_fields,
            list_display=_fields[:4],
            list_filter=["benefit_id"],
            fk_select={"benefit_id": SponsorshipBenefit, "package_id": SponsorshipPackage},
            choices={"publisher": PUBLISHER_CHOICES, "logo_place": PLACE_CHOICES, "related_to": RELATED_CHOICES},
            uploads={
                "shared_file": Upload("sponsors-app-assets", frozenset({"pdf", "png", "jpg", "svg", "zip", "txt"}))
            },
        )
    )

register(
    ModelAdmin(
        model=Sponsor,
        app_label="sponsors",
        model_name="sponsor",
        verbose_name="sponsor",
        verbose_name_plural="sponsors",
        fields=[
            "name",
            "description",
            "landing_page_url",
            "twitter_handle",
            "linked_in_page_url",
            "web_logo",
            "white_logo",
            "print_logo",
            "primary_phone",
            "mailing_address_line_1",
            "mailing_address_line_2",
            "city",
            "state",
            "postal_code",
            "country",
            "country_of_incorporation",
            "state_of_incorporation",
        ],
        list_display=["name", "landing_page_url", "country"],
        search_fields=["name"],
        ordering="name",
        uploads={
            "web_logo": image_upload("sponsor_web_logos", max_mb=5),
            "white_logo": image_upload("sponsor_white_logos", max_mb=5),
            "print_logo": Upload("sponsor_print_logos", frozenset({"eps", "epsf", "epsi", "svg", "png"})),
        },
        related=[
            ("Contacts", "sponsors.sponsorcontact", "sponsor_id"),
            ("Sponsorships", "sponsors.sponsorship", "sponsor_id"),
        ],
    )
)
register(
    ModelAdmin(
        model=SponsorContact,
        app_label="sponsors",
        model_name="sponsorcontact",
        verbose_name="sponsor contact",
        verbose_name_plural="sponsor contacts",
        fields=[
            "sponsor_id",
            "user_id",
            "name",
            "email",
            "phone",
            "primary",
            "administrative",
            "accounting",
            "manager",
        ],
        list_display=["name", "email", "sponsor_id", "primary"],
        search_fields=["name", "email"],
        fk_select={"sponsor_id": Sponsor},
        help_texts={"user_id": "The contact's python.org account (raw id)."},
    )
)
SPONSORSHIP_ADMIN = register(
    ModelAdmin(
        model=Sponsorship,
        app_label="sponsors",
        model_name="sponsorship",
        verbose_name="sponsorship",
        verbose_name_plural="sponsorships",
        fields=[
            "sponsor_id",
            "package_id",
            "level_name_old",
            "year",
            "sponsorship_fee",
            "renewal",
            "start_date",
            "end_date",
        ],
        readonly_fields=[
            "status",
            "locked",
            "applied_on",
            "approved_on",
            "rejected_on",
            "finalized_on",
            "for_modified_package",
            "submited_by_id",
            "overlapped_by_id",
        ],
        list_display=["sponsor_id", "package_id", "year", "status", "applied_on", "start_date", "end_date"],
        list_filter=["status", "package_id", "year"],
        ordering="-applied_on",
        choices={"status": list(SponsorshipStatus.CHOICES.items())},
        fk_select={"sponsor_id": Sponsor, "package_id": SponsorshipPackage},
        can_add=False,
        help_texts={
            "level_name_old": "Only for sponsorships from before packages existed.",
            "status": "Changed with the buttons above (approve, reject, roll back).",
        },
        validate=validate_sponsorship,
        object_tools=_sponsorship_tools,
        related=[("Benefits", "sponsors.sponsorbenefit", "sponsorship_id")],
    )
)
register(
    ModelAdmin(
        model=SponsorBenefit,
        app_label="sponsors",
        model_name="sponsorbenefit",
        verbose_name="sponsor benefit",
        verbose_name_plural="sponsor benefits",
        fields=[
            "sponsorship_id",
            "program_name",
            "name",
            "description",
            "benefit_internal_value",
            "added_by_user",
            "standalone",
        ],
        readonly_fields=["sponsorship_benefit_id", "program_id"],
        list_display=["name", "sponsorship_id", "program_name", "added_by_user"],
        search_fields=["name"],
    )
)
TEMPLATE_ADMIN = register(
    ModelAdmin(
        model=SponsorEmailNotificationTemplate,
        app_label="sponsors",
        model_name="sponsoremailnotificationtemplate",
        verbose_name="sponsor e-mail notification template",
        verbose_name_plural="sponsor e-mail notification templates",
        fields=["internal_name", "subject", "content"],
        list_display=["internal_name", "subject", "updated_at"],
        search_fields=["internal_name", "subject"],
        help_texts={
            "content": "Plain text with {{ sponsor_name }}, {{ sponsorship_level }}, {{ start_date }}, "
            "{{ end_date }}, {{ status }}, {{ benefits }}, {{ required_assets }} (Jinja syntax)."
        },
        validate=validate_template,
        object_tools=_template_tools,
    )
)


async def validate_contract(_session: AsyncSession, _form: Any, obj: Any) -> dict[str, str]:
    if obj is not None and obj.status != contracts.ContractStatus.DRAFT:
        return {"benefits_list": f"A contract that is {contracts.label(obj.status)} cannot be edited."}
    return {}


async def revise_contract(_session: AsyncSession, obj: Any) -> None:
    if obj is not None:
        contracts.revise(obj)


def _contract_tools(obj: Any) -> list[tuple[str, str]]:
    base = f"{CONTRACT_URL}{obj.id}"
    tools = [("Preview PDF", f"{base}/preview/?format=pdf"), ("Preview DOCX", f"{base}/preview/?format=docx")]
    if obj.status == contracts.ContractStatus.DRAFT:
        tools.append(("Send", f"{base}/send/"))
    if obj.status == contracts.ContractStatus.AWAITING_SIGNATURE:
        tools += [("Execute", f"{base}/execute/"), ("Nullify", f"{base}/nullify/")]
    if obj.status == contracts.ContractStatus.NULLIFIED:
        tools.append(("Back to draft", f"{base}/redraft/"))
    for label, path in (
        ("Final PDF", obj.document),
        ("Final DOCX", obj.document_docx),
        ("Signed", obj.signed_document),
    ):
        if path:
            tools.append((label, f"/media/{path}"))
    if obj.sponsorship_id:
        tools.append(("Sponsorship", f"{SPONSORSHIP_URL}{obj.sponsorship_id}/change/"))
    return tools


CONTRACT_URL = "/admin/sponsors/contract/"
CONTRACT_ADMIN = register(
    ModelAdmin(
        model=Contract,
        app_label="sponsors",
        model_name="contract",
        verbose_name="contract",
        verbose_name_plural="contracts",
        fields=["sponsor_info", "sponsor_contact", "benefits_list", "legal_clauses"],
        readonly_fields=[
            "sponsorship_id",
            "status",
            "revision",
            "render_state",
            "render_error",
            "created_on",
            "last_update",
            "sent_on",
        ],
        list_display=["sponsorship_id", "status", "revision", "render_state", "created_on", "sent_on"],
        list_filter=["status"],
        can_add=False,
        validate=validate_contract,
        before_commit=revise_contract,
        object_tools=_contract_tools,
        help_texts={
            "benefits_list": "One benefit per line (“- Program - Benefit [^1]”); [^n] cites legal clause n.",
            "legal_clauses": "One clause per footnote: “[^1]: text”.",
        },
    )
)


# -- the sponsorship buttons -----------------------------------------------------------------------------------------
class ApproveForm(SiteForm):
    package_id = SelectField("Package", coerce=int, choices=[], validators=[DataRequired()])
    sponsorship_fee = IntegerField("Sponsorship fee (USD)", validators=[DataRequired(), NumberRange(min=0, max=10**9)])
    start_date = DateField("Start date", validators=[DataRequired()])
    end_date = DateField("End date", validators=[DataRequired()])
    renewal = SelectField("Renewal", choices=[("", "Unknown"), ("yes", "Yes"), ("no", "No")], validators=[Optional()])


ACTIONS: dict[str, tuple[str, str]] = {
    "reject": (
        "Reject the sponsorship application",
        "The sponsorship is rejected and locked; the PSF sponsors address and the sponsor's verified contacts "
        "are mailed.",
    ),
    "enable-edit": (
        "Roll back to editing",
        "The sponsorship goes back to 'applied' so its details can change; a draft contract is deleted.",
    ),
    "lock": ("Lock the sponsorship", "The sponsor can no longer change the application."),
    "unlock": ("Unlock the sponsorship", "The sponsor may change the application again."),
}
DONE = {
    "reject": "Sponsorship was rejected!",
    "enable-edit": "Sponsorship is editable again.",
    "lock": "Sponsorship is locked.",
    "unlock": "Sponsorship is unlocked.",
}


def _me(request: Request[Any, Any, Any]) -> CurrentUser:
    me = current_user(request)
    if me is None:
        raise PermissionDeniedException()
    return me


async def _sponsorship(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Any:
    if not await has_perm(request, _me(request), CHANGE_PERMISSION):
        raise PermissionDeniedException(f"You need the '{CHANGE_PERMISSION}' permission.")
    try:
        return await services.get_sponsorship(db_session, pk)
    except DomainError as exc:
        raise NotFoundException(exc.message) from None


async def _approve_form(db_session: AsyncSession, form: ApproveForm) -> ApproveForm:
    query = select(SponsorshipPackage).order_by(SponsorshipPackage.year.desc(), SponsorshipPackage.order)
    form.package_id.choices = [(p.id, str(p)) for p in (await db_session.execute(query)).scalars()]
    return form


async def approve_view(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
    """Django's ``<pk>/approve``: the package, fee, dates and renewal agreed, then the approval and a draft
    contract (``ApproveSponsorshipApplicationUseCase``)."""
    sponsorship = await _sponsorship(request, db_session, pk)
    if request.method != "POST":
        today = datetime.date.today()
        initial = {
            "package_id": sponsorship.package_id,
            "sponsorship_fee": sponsorship.sponsorship_fee,
            "start_date": sponsorship.start_date or today,
            "end_date": sponsorship.end_date or today.replace(year=today.year + 1) - datetime.timedelta(days=1),
            "renewal": "" if sponsorship.renewal is None else ("yes" if sponsorship.renewal else "no"),
        }
        form = await _approve_form(db_session, ApproveForm(data=initial))
        return page("sponsors_approve", sponsorship=sponsorship, form=form)
    form = await _approve_form(db_session, ApproveForm(formdata=FormData(await request.form())))
    start, end = form.start_date.data, form.end_date.data
    if form.validate() and start is not None and end is not None:
        try:
            await use_cases.approve(
                db_session,
                sponsorship,
                _me(request).id,
                start_date=start,
                end_date=end,
                package_id=form.package_id.data,
                sponsorship_fee=form.sponsorship_fee.data,
                renewal=None if not form.renewal.data else form.renewal.data == "yes",
            )
        except DomainError as exc:  # refused before any change (and a 400 is never committed)
            add_error(form, "end_date", exc.message)
        else:
            await db_session.commit()
            flash(request, "Sponsorship was approved! A draft contract was created.", category="success")
            return Redirect(f"{SPONSORSHIP_URL}{pk}/change/", status_code=302)
    return page("sponsors_approve", HTTP_400_BAD_REQUEST, sponsorship=sponsorship, form=form)


def _action_view(action: str) -> Any:
    title, message = ACTIONS[action]

    async def view(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
        sponsorship = await _sponsorship(request, db_session, pk)
        if request.method != "POST":
            return page("sponsors_confirm", sponsorship=sponsorship, action=action, title=title, message=message)
        me = _me(request)
        try:
            if action == "reject":
                await use_cases.reject(db_session, request.app.state.settings, sponsorship, me.id)
            elif action == "enable-edit":
                await services.rollback_to_editing(db_session, sponsorship, me.id)
            else:
                services.set_locked(db_session, sponsorship, me.id, locked=action == "lock")
        except DomainError as exc:  # each rule refuses before it changes anything; a 409 is never committed
            return page(
                "sponsors_confirm",
                HTTP_409_CONFLICT,
                sponsorship=sponsorship,
                action=action,
                title=title,
                message=message,
                error=exc.message,
            )
        await db_session.commit()
        flash(request, DONE[action], category="success")
        return Redirect(f"{SPONSORSHIP_URL}{pk}/change/", status_code=302)

    return view


async def assets_view(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
    """Django's ``<pk>/list-assets``: every asset of the sponsorship and its sponsor, with or without a value, after
    the benefits and how they differ from the package (Django's "added/removed by user")."""
    sponsorship = await _sponsorship(request, db_session, pk)
    required, provided = await services.asset_slots(db_session, sponsorship)
    return page(
        "sponsors_assets",
        sponsorship=sponsorship,
        required=required,
        provided=provided,
        benefits=await services.sponsor_benefits(db_session, pk),
        customisation=await services.customisation(db_session, sponsorship),
    )


async def preview_view(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
    """Django's ``preview-content``, with sample values (an empty context would fail on every name)."""
    row = await db_session.get(SponsorEmailNotificationTemplate, pk)
    if row is None:
        raise NotFoundException()
    try:
        mail = notifications.render(notifications.MailText(row.subject, row.content), SAMPLE_CONTEXT)
    except TemplateError as exc:
        return page(
            "sponsors_template_preview", row=row, mail=None, error=f"{type(exc).__name__}: {exc}", sample=SAMPLE_CONTEXT
        )
    return page("sponsors_template_preview", row=row, mail=mail, error="", sample=SAMPLE_CONTEXT)


SPONSORSHIP_ADMIN.object_views.update(
    {"approve": approve_view, "list-assets": assets_view} | {action: _action_view(action) for action in ACTIONS}
)
TEMPLATE_ADMIN.object_views["preview-content"] = preview_view


# -- list actions: notify the selected sponsorships, export them ---------------------------------------------------
CONTACT_TYPE_LABELS = {
    "primary": "Primary",
    "administrative": "Administrative",
    "accounting": "Accounting",
    "manager": "Manager",
}


async def _recipients(db_session: AsyncSession, sponsorship: Any, types: list[str]) -> list[str]:
    """Django's ``filter_by_contact_types``: the sponsor's contacts of any of the chosen types."""
    if sponsorship.sponsor_id is None:
        return []
    contacts = await services.contacts_of(db_session, sponsorship.sponsor_id)
    return list(dict.fromkeys(c.email for c in contacts if any(getattr(c, t) for t in types)))


async def notify_selected(request: Request[Any, Any, Any], db_session: AsyncSession, rows: Any) -> Response[Any]:
    """Django's "Send notifications to selected": a staff template to the chosen contact types of each selected
    sponsorship, previewed first, each sending written to that sponsorship's history."""
    me = _me(request)
    if not await has_perm(request, me, CHANGE_PERMISSION):
        raise PermissionDeniedException(f"You need the '{CHANGE_PERMISSION}' permission.")
    data = await request.form()
    templates = list(
        (
            await db_session.execute(
                select(SponsorEmailNotificationTemplate).order_by(SponsorEmailNotificationTemplate.internal_name)
            )
        ).scalars()
    )
    chosen = str(data.get("template", ""))
    template = next((t for t in templates if str(t.id) == chosen), None)
    types = [t for t in data.getall("contact_types", []) if t in CONTACT_TYPE_LABELS]
    step = str(data.get("step", ""))
    errors: list[str] = []
    if step in {"preview", "send"}:
        if template is None:
            errors.append("Choose a template.")
        if not types:
            errors.append("Choose at least one contact type.")
    context = {
        "admin": SPONSORSHIP_ADMIN,
        "rows": rows,
        "templates": templates,
        "chosen": template,
        "types": types,
        "labels": CONTACT_TYPE_LABELS,
        "errors": errors,
        "previews": [],
    }
    if errors or step not in {"preview", "send"} or template is None:
        return page("sponsors_notify", HTTP_400_BAD_REQUEST if errors else 200, **context)
    settings = request.app.state.settings
    previews = []
    text = notifications.MailText(template.subject, template.content)
    for sponsorship in rows:
        to = await _recipients(db_session, sponsorship, types)
        try:
            mail = notifications.render(text, await use_cases.mail_context(db_session, settings, sponsorship))
        except TemplateError as exc:
            context["errors"] = [f"The template cannot be rendered for {sponsorship}: {exc}"]
            return page("sponsors_notify", HTTP_400_BAD_REQUEST, **context)
        previews.append((sponsorship, to, mail))
    if step == "preview":
        return page("sponsors_notify", **{**context, "previews": previews})
    sent = 0
    for sponsorship, to, mail in previews:
        if not to:
            continue
        notifications.send_after_commit(db_session, mail, to, from_email=settings.sponsorship_notification_from_email)
        services.record(
            db_session, me.id, sponsorship, f"Notification '{template.internal_name}' was sent to: {', '.join(to)}"
        )
        sent += 1
    await db_session.commit()
    flash(request, f"Notification sent for {sent} of {len(previews)} sponsorships.", category="success")
    return Redirect(SPONSORSHIP_URL, status_code=302)


async def _exported(request: Request[Any, Any, Any], db_session: AsyncSession, rows: Any) -> list[list[str]]:
    if not await has_perm(request, _me(request), "sponsors.view_sponsorship") and not await has_perm(
        request, _me(request), CHANGE_PERMISSION
    ):
        raise PermissionDeniedException("You may not see sponsorships.")
    return await exports.export_rows(db_session, request.app.state.settings, rows)


async def export_csv(request: Request[Any, Any, Any], db_session: AsyncSession, rows: Any) -> Response[Any]:
    body = exports.as_csv(await _exported(request, db_session, rows))
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="sponsorships.csv"',
            "Cache-Control": "private, no-store",
        },
    )


async def export_xlsx(request: Request[Any, Any, Any], db_session: AsyncSession, rows: Any) -> Response[Any]:
    body = exports.as_xlsx(await _exported(request, db_session, rows))
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": 'attachment; filename="sponsorships.xlsx"',
            "Cache-Control": "private, no-store",
        },
    )


SPONSORSHIP_ADMIN.actions.update(
    {
        "send_notifications": ("Send notifications to selected", notify_selected),
        "export_csv": ("Export selected (CSV)", export_csv),
        "export_xlsx": ("Export selected (XLSX)", export_xlsx),
    }
)


# -- contracts: preview, send, execute, nullify, redraft; and a sponsorship approved with a signed contract --------
async def _contract(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Any:
    if not await has_perm(request, _me(request), "sponsors.change_contract"):
        raise PermissionDeniedException("You need the 'sponsors.change_contract' permission.")
    try:
        return await contracts.contract_or_404(db_session, pk)
    except DomainError as exc:
        raise NotFoundException(exc.message) from None


async def contract_preview(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
    """The document as it would be sent, rendered now (``?format=pdf`` or ``docx``), shown inline."""
    contract = await _contract(request, db_session, pk)
    kind = request.query_params.get("format", "pdf")
    if kind not in {"pdf", "docx"}:
        raise NotFoundException("Preview as pdf or docx.")
    body = await contracts.render(db_session, contract, kind)
    media_type = (
        "application/pdf"
        if kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = "inline" if kind == "pdf" else "attachment"
    return Response(
        body,
        status_code=200,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="preview-contract-{pk}.{kind}"',
            "Cache-Control": "private, no-store",
        },
    )


CONTRACT_MOVES: dict[str, tuple[str, str, str]] = {
    "send": ("Send the contract", "The final PDF and DOCX are rendered in the background; the contract then awaits "
             "signature and the PDF is mailed to the PSF sponsors address.",
             "The contract is being rendered and sent."),
    "nullify": ("Nullify the contract", "The contract will no longer be signed.", "Contract nullified."),
    "redraft": ("Back to draft", "The contract can be edited and sent again.", "Contract back to draft."),
}  # fmt: skip


def _contract_move(move: str) -> Any:
    title, message, done = CONTRACT_MOVES[move]

    async def view(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
        contract = await _contract(request, db_session, pk)
        context = {"contract": contract, "action": move, "title": title, "message": message}
        if request.method != "POST":
            return page("sponsors_contract_confirm", **context)
        me = _me(request)
        try:
            if move == "send":
                await contracts.request_send(db_session, contract, me.id)
            elif move == "nullify":
                await contracts.nullify(db_session, contract, me.id)
            else:
                await contracts.redraft(db_session, contract, me.id)
        except DomainError as exc:  # refused before any change; a 409 is never committed
            return page("sponsors_contract_confirm", HTTP_409_CONFLICT, **context, error=exc.message)
        await db_session.commit()
        flash(request, done, category="success")
        return Redirect(f"{CONTRACT_URL}{pk}/change/", status_code=302)

    return view


async def _signed_upload(request: Request[Any, Any, Any]) -> tuple[Any, str, bytes] | tuple[Any, None, None]:
    data = await request.form()
    upload = data.get("signed_document")
    if isinstance(upload, UploadFile) and upload.filename:
        return data, upload.filename, await upload.read()
    return data, None, None


async def contract_execute(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
    """Upload the signed PDF: the contract is executed and its sponsorship finalized."""
    contract = await _contract(request, db_session, pk)
    if request.method != "POST":
        return page("sponsors_contract_execute", contract=contract)
    _data, filename, content = await _signed_upload(request)
    if filename is None or content is None:
        return page("sponsors_contract_execute", HTTP_400_BAD_REQUEST, contract=contract,
                    error="Choose the signed PDF.")  # fmt: skip
    try:
        await contracts.execute(db_session, request.app.state.settings, contract, _me(request).id,
                                filename=filename, content=content)  # fmt: skip
    except DomainError as exc:
        status = HTTP_409_CONFLICT if isinstance(exc, contracts.ContractStateError) else HTTP_400_BAD_REQUEST
        return page("sponsors_contract_execute", status, contract=contract, error=exc.message)
    await db_session.commit()
    flash(request, "Contract executed: the sponsorship is finalized.", category="success")
    return Redirect(f"{CONTRACT_URL}{pk}/change/", status_code=302)


async def approve_existing_view(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
    """Django's ``<pk>/approve-existing``: approve with the agreed terms and execute a contract signed elsewhere."""
    sponsorship = await _sponsorship(request, db_session, pk)
    if request.method != "POST":
        initial = {"package_id": sponsorship.package_id, "sponsorship_fee": sponsorship.sponsorship_fee}
        form = await _approve_form(db_session, ApproveForm(data=initial))
        return page("sponsors_approve", sponsorship=sponsorship, form=form, existing=True)
    data, filename, content = await _signed_upload(request)
    form = await _approve_form(db_session, ApproveForm(formdata=FormData(data)))
    start, end = form.start_date.data, form.end_date.data
    valid = form.validate()
    if filename is None or content is None:
        add_error(form, "end_date", "Choose the signed PDF.")
        valid = False
    if valid and start is not None and end is not None and filename is not None and content is not None:
        me = _me(request)
        try:
            contract = await use_cases.approve(
                db_session, sponsorship, me.id, start_date=start, end_date=end, package_id=form.package_id.data,
                sponsorship_fee=form.sponsorship_fee.data,
                renewal=None if not form.renewal.data else form.renewal.data == "yes",
            )  # fmt: skip
            await contracts.execute(db_session, request.app.state.settings, contract, me.id, filename=filename,
                                    content=content, existing=True)  # fmt: skip
        except DomainError as exc:
            await db_session.rollback()
            sponsorship = await services.get_sponsorship(db_session, pk)
            add_error(form, "end_date", exc.message)
        else:
            await db_session.commit()
            flash(request, "Sponsorship approved and its signed contract executed.", category="success")
            return Redirect(f"{SPONSORSHIP_URL}{pk}/change/", status_code=302)
    return page("sponsors_approve", HTTP_400_BAD_REQUEST, sponsorship=sponsorship, form=form, existing=True)


CONTRACT_ADMIN.object_views.update(
    {"preview": contract_preview, "execute": contract_execute} | {move: _contract_move(move) for move in CONTRACT_MOVES}
)
SPONSORSHIP_ADMIN.object_views["approve-existing"] = approve_existing_view


# -- cloning a year's catalogue ---------------------------------------------------------------------------------------
async def clone_year_view(request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Response[Any]:
    """Django's ``clone-year-config``: preview what a clone would create, then clone (idempotent)."""
    me = _me(request)
    for perm in ("sponsors.add_sponsorshippackage", "sponsors.add_sponsorshipbenefit"):
        if not await has_perm(request, me, perm):
            raise PermissionDeniedException(f"You need the '{perm}' permission.")
    current = await db_session.get(SponsorshipCurrentYear, pk)
    if current is None:
        raise NotFoundException()
    context: dict[str, Any] = {"current": current, "from_year": current.year, "to_year": current.year + 1}
    if request.method != "POST":
        return page("sponsors_clone_year", **context)
    data = await request.form()
    raw_from, raw_to = str(data.get("from_year", "")), str(data.get("to_year", ""))
    if not (raw_from.isascii() and raw_from.isdigit() and raw_to.isascii() and raw_to.isdigit()):
        return page("sponsors_clone_year", HTTP_400_BAD_REQUEST, **context, error="Enter two years.")
    context.update(from_year=int(raw_from), to_year=int(raw_to))
    dry_run = data.get("step") != "clone"
    try:
        plan = await cloning.clone_year(db_session, int(raw_from), int(raw_to), dry_run=dry_run)
    except DomainError as exc:
        return page("sponsors_clone_year", HTTP_400_BAD_REQUEST, **context, error=exc.message)
    if dry_run:
        return page("sponsors_clone_year", **context, plan=plan)
    db_session.add(
        AdminLogEntry(
            user_id=me.id,
            content_type=CURRENT_YEAR_ADMIN.key,
            object_id=str(current.id),
            object_repr=str(current)[:200],
            action_flag=int(AdminAction.ADDITION),
            change_message=(
                f"Cloned {plan.from_year} into {plan.to_year}: {len(plan.packages)} packages, "
                f"{len(plan.benefits)} benefits, {len(plan.configurations)} feature configurations."
            ),
        )
    )
    await db_session.commit()
    flash(
        request,
        f"{plan.to_year}: {plan.created} rows created ({len(plan.kept)} already there, kept).",
        category="success",
    )
    return Redirect(f"/admin/sponsors/sponsorshippackage/?year={plan.to_year}", status_code=302)


CURRENT_YEAR_ADMIN.object_views["clone-year-config"] = clone_year_view


# -- assets ---------------------------------------------------------------------------------------------------------
ASSET_KINDS = [("imgasset", "Image"), ("textasset", "Text"), ("fileasset", "File"), ("responseasset", "Response")]


def _has_value(choice: str) -> Any:
    """Assets with (``yes``) or without (``no``) a value, whatever their kind."""
    valued = or_(
        GenericAsset.id.in_(select(ImgAsset.id).where(ImgAsset.image.is_not(None), ImgAsset.image != "")),
        GenericAsset.id.in_(select(TextAsset.id).where(TextAsset.text != "")),
        GenericAsset.id.in_(select(FileAsset.id).where(FileAsset.file.is_not(None), FileAsset.file != "")),
        GenericAsset.id.in_(
            select(ResponseAsset.id).where(ResponseAsset.response.is_not(None), ResponseAsset.response != "")
        ),
    )
    return valued if choice == "yes" else not_(valued)


async def export_assets(request: Request[Any, Any, Any], db_session: AsyncSession, rows: Any) -> Response[Any]:
    """A ZIP of the selected assets, streamed (at most 10,000 per export)."""
    me = _me(request)
    if not await has_perm(request, me, "sponsors.view_genericasset") and not await has_perm(
        request, me, "sponsors.change_genericasset"
    ):
        raise PermissionDeniedException("You may not see sponsor assets.")
    assets = await asset_export.load(db_session, [row.id for row in rows])
    names = await asset_export.owners(db_session, assets)
    media = MediaStorage.from_settings(request.app.state.settings)
    return Stream(
        asset_export.stream_zip(media, assets, names),
        media_type="application/zip",
        headers={
            "Content-Disposition": 'attachment; filename="sponsor-assets.zip"',
            "Cache-Control": "private, no-store",
        },
    )


ASSET_ADMIN = register(
    ModelAdmin(
        model=GenericAsset, app_label="sponsors", model_name="genericasset", verbose_name="sponsor asset",
        verbose_name_plural="sponsor assets", fields=["internal_name"],
        readonly_fields=["kind", "content_type", "object_id", "uuid"],
        list_display=["internal_name", "kind", "content_type", "object_id"], search_fields=["internal_name"],
        list_filter=["kind", "content_type"],
        choices={"kind": ASSET_KINDS, "content_type": list(services.RELATED_TO.items())},
        computed_filters={"value": ComputedFilter("value", [("yes", "With a value"), ("no", "Without a value")],
                                                  _has_value)},
        can_add=False, per_page=100,
        actions={"export_assets": ("Export selected (ZIP)", export_assets)},
    )
)  # fmt: skip
