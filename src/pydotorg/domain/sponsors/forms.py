"""The sponsorship application's forms: step 1's benefit selection (Django's ``SponsorshipsBenefitsForm``, whose
fields depend on the year's catalogue, so it is read from the posted data against the :class:`Catalogue`) and
step 2's sponsor details with the contacts formset (``SponsorshipApplicationForm``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from advanced_alchemy.utils.text import slugify
from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import Email, Length, Optional, ValidationError

from pydotorg.domain.admin.registry import Upload, image_upload
from pydotorg.domain.sponsors.services import Catalogue
from pydotorg.lib.forms import FormData, SiteForm, is_number

COOKIE = "sponsorship_selected_benefits"
MAX_CONTACTS = 5
#: the web logos are raster images, as Django's ImageField required
WEB_LOGO = image_upload("sponsor_web_logos", max_mb=5)
WHITE_LOGO = image_upload("sponsor_white_logos", max_mb=5)
PRINT_LOGO = Upload("sponsor_print_logos", frozenset({"eps", "epsf", "epsi", "svg", "png"}), max_bytes=10 * 1024 * 1024)

NO_BENEFITS = "You have to pick a minimum number of benefits."
NEEDS_PACKAGE = "You must pick a package to include the selected benefits."
NO_STANDALONE_WITH_PACKAGE = "Application with package cannot have standalone benefits."
NO_A_LA_CARTE = "Package does not accept a la carte benefits."
CONFLICTS = "The application has 1 or more benefits that conflicts."
PACKAGE_ONLY = "The application has 1 or more package only benefits and no sponsor package."
PACKAGE_ONLY_OTHER = "The application has 1 or more package only benefits that are not part of the chosen package."
NO_CAPACITY = "The application has 1 or more benefits with no capacity."
UNKNOWN = "Select a valid choice. One of the benefits is not one of the available choices."


def program_field(name: str) -> str:
    return f"benefits_{slugify(name).replace('-', '_')}"


@dataclass
class Selection:
    """What an applicant picked: the package and the benefit ids of each field."""

    package_id: int | None = None
    package_benefits: list[int] = field(default_factory=list)
    a_la_carte: list[int] = field(default_factory=list)
    standalone: list[int] = field(default_factory=list)

    @property
    def benefit_ids(self) -> list[int]:
        return list(dict.fromkeys([*self.package_benefits, *self.a_la_carte, *self.standalone]))

    def to_cookie(self) -> str:
        return json.dumps(
            {
                "package": self.package_id,
                "benefits": self.package_benefits,
                "a_la_carte_benefits": self.a_la_carte,
                "standalone_benefits": self.standalone,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_cookie(cls, raw: str | None) -> Selection | None:
        if not raw:
            return None
        try:
            data = json.loads(raw)
            package = data.get("package")
            return cls(
                package_id=int(package) if package is not None else None,
                package_benefits=[int(x) for x in data.get("benefits", [])],
                a_la_carte=[int(x) for x in data.get("a_la_carte_benefits", [])],
                standalone=[int(x) for x in data.get("standalone_benefits", [])],
            )
        except (ValueError, TypeError, AttributeError):
            return None


def _ids(values: list[str]) -> list[int] | None:
    if not all(is_number(v) and len(v) < 19 for v in values):
        return None
    return [int(v) for v in values]


def read_selection(form: Any, offer: Catalogue) -> tuple[Selection, list[str]]:
    """The posted selection and Django's refusals, checked against the year's catalogue."""
    errors: list[str] = []
    raw_package = str(form.get("package") or "")
    package_id = int(raw_package) if is_number(raw_package) and len(raw_package) < 19 else None
    if raw_package and (package_id is None or offer.package(package_id) is None):
        return Selection(), ["Select a valid choice. That package is not one of the available choices."]
    in_packages: list[str] = []
    for program in offer.programs:
        in_packages.extend(str(v) for v in form.getall(program_field(program.name), []))
    package_ids = _ids(in_packages)
    a_la_carte = _ids([str(v) for v in form.getall("a_la_carte_benefits", [])])
    standalone = _ids([str(v) for v in form.getall("standalone_benefits", [])])
    if package_ids is None or a_la_carte is None or standalone is None:
        return Selection(), [UNKNOWN]
    selection = Selection(package_id, package_ids, a_la_carte, standalone)
    errors.extend(check_selection(selection, offer))
    return selection, errors


def check_selection(selection: Selection, offer: Catalogue) -> list[str]:
    """Django's ``SponsorshipsBenefitsForm.clean`` rules, each as its message."""
    by_id = offer.by_id
    in_any_package = set().union(*offer.package_benefits.values()) if offer.package_benefits else set()
    a_la_carte_choices = {b.id for b in offer.benefits if b.id not in in_any_package and not b.standalone}
    standalone_choices = {b.id for b in offer.benefits if b.standalone}
    if (
        any(b not in in_any_package for b in selection.package_benefits)
        or any(b not in a_la_carte_choices for b in selection.a_la_carte)
        or any(b not in standalone_choices for b in selection.standalone)
    ):
        return [UNKNOWN]
    chosen = selection.benefit_ids
    if not chosen:
        return [NO_BENEFITS]
    errors: list[str] = []
    package = offer.package(selection.package_id)
    if selection.package_benefits and package is None:
        errors.append(NEEDS_PACKAGE)
    if package is not None and selection.standalone:
        errors.append(NO_STANDALONE_WITH_PACKAGE)
    if package is not None and selection.a_la_carte and not package.allow_a_la_carte:
        errors.append(NO_A_LA_CARTE)
    chosen_set = set(chosen)
    if any(offer.conflicts.get(b, set()) & chosen_set for b in chosen):
        errors.append(CONFLICTS)
    package_only = [b for b in chosen if by_id[b].package_only]
    if package_only and package is None:
        errors.append(PACKAGE_ONLY)
    elif package is not None and any(b not in offer.package_benefits.get(package.id, set()) for b in package_only):
        errors.append(PACKAGE_ONLY_OTHER)
    if any(not has_capacity(by_id[b]) for b in chosen):
        errors.append(NO_CAPACITY)
    return errors


def has_capacity(benefit: Any) -> bool:
    """Django's ``has_capacity`` (the remaining capacity is the configured one: usage is not counted there)."""
    if benefit.unavailable:
        return False
    return not (benefit.capacity is not None and benefit.capacity <= 0 and not benefit.soft_capacity)


class SponsorForm(SiteForm):
    """A new sponsor's details (the logos are read from the upload fields by the controller)."""

    sponsor = SelectField("Sponsor", choices=[], validators=[Optional()], coerce=str)
    name = StringField("Sponsor name", validators=[Optional(), Length(max=100)])
    description = TextAreaField(
        "Sponsor description", validators=[Optional(), Length(max=5000)],
        description="What your organisation does, in a sentence or two (shown on the sponsors page).",
    )  # fmt: skip
    landing_page_url = URLField("Sponsor landing page", validators=[Optional(), Length(max=200)])
    twitter_handle = StringField("Twitter handle", validators=[Optional(), Length(max=32)])
    linked_in_page_url = URLField("LinkedIn page URL", validators=[Optional(), Length(max=200)])
    primary_phone = StringField("Sponsor primary phone", validators=[Optional(), Length(max=32)])
    mailing_address_line_1 = StringField("Mailing address line 1", validators=[Optional(), Length(max=128)])
    mailing_address_line_2 = StringField("Mailing address line 2", validators=[Optional(), Length(max=128)])
    city = StringField("City", validators=[Optional(), Length(max=64)])
    state = StringField("State / province / region", validators=[Optional(), Length(max=64)])
    postal_code = StringField("Zip / postal code", validators=[Optional(), Length(max=64)])
    country = StringField("Country (two-letter ISO code)", validators=[Optional(), Length(max=2)])
    country_of_incorporation = StringField(
        "Country of incorporation (ISO code)", validators=[Optional(), Length(max=2)]
    )
    state_of_incorporation = StringField("US state of incorporation", validators=[Optional(), Length(max=64)])

    def validate_landing_page_url(self, field: Any) -> None:
        if field.data and not str(field.data).startswith(("https://", "http://")):
            raise ValidationError("Enter a valid URL.")

    validate_linked_in_page_url = validate_landing_page_url


NEW_SPONSOR_REQUIRED = ("name", "description", "primary_phone", "mailing_address_line_1", "city", "postal_code",
                        "country")  # fmt: skip


class ContactForm(SiteForm):
    name = StringField("Contact name", validators=[Optional(), Length(max=100)])
    email = EmailField("Contact e-mail", validators=[Optional(), Length(max=256), Email(check_deliverability=False)])
    phone = StringField("Contact phone", validators=[Optional(), Length(max=32)])


CONTACT_FLAGS = ("primary", "administrative", "accounting", "manager")


@dataclass
class ContactRow:
    form: ContactForm
    flags: dict[str, bool]
    errors: list[str] = field(default_factory=list)

    @property
    def filled(self) -> bool:
        return bool((self.form.name.data or "").strip() or (self.form.email.data or "").strip())


def contact_rows(contacts: list[Any] | None = None) -> list[ContactRow]:
    """The contacts formset to show: ``MAX_CONTACTS`` rows, the first ones holding ``contacts`` (rows or objects
    with a name, e-mail, phone and the contact-type flags)."""
    rows = [
        ContactRow(ContactForm(prefix=f"contact-{i}-"), dict.fromkeys(CONTACT_FLAGS, False))
        for i in range(MAX_CONTACTS)
    ]
    for row, contact in zip(rows, contacts or [], strict=False):
        row.form.name.data, row.form.email.data = contact.name, contact.email
        row.form.phone.data = getattr(contact, "phone", "")
        row.flags = {flag: bool(getattr(contact, flag, False)) for flag in CONTACT_FLAGS}
    return rows


def read_contacts(data: Any) -> tuple[list[ContactRow], list[str]]:
    """The contacts formset (prefix ``contact``, Django's ``SponsorContactFormSet``): 1 to 5 rows, each filled row
    with a name and an e-mail address, and at least one primary contact."""
    rows: list[ContactRow] = []
    for index in range(MAX_CONTACTS):
        prefix = f"contact-{index}-"
        form = ContactForm(formdata=FormData(data), prefix=prefix)
        form.validate()
        flags = {
            flag: str(data.get(f"{prefix}{flag}", "")).lower() in {"on", "true", "1", "yes"} for flag in CONTACT_FLAGS
        }
        row = ContactRow(form, flags)
        if row.filled:
            if not (form.name.data or "").strip():
                row.errors.append("A contact needs a name.")
            if not (form.email.data or "").strip():
                row.errors.append("A contact needs an e-mail address.")
        rows.append(row)
    problems: list[str] = []
    filled = [row for row in rows if row.filled]
    if not filled:
        problems.append("Enter at least one contact.")
    elif not any(row.flags["primary"] for row in filled):
        problems.append("You must have a primary contact.")
    return rows, problems


def contacts_valid(rows: list[ContactRow]) -> bool:
    return all(not row.errors and not any(row.form.errors.values()) for row in rows if row.filled)
