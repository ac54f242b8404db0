"""The nomination forms (Django's ``NominationForm`` and its Packaging Council variant, ``NominationAcceptForm``):
the previous-service question as yes/no plus the years served, self-nomination, and the acknowledgments."""

from __future__ import annotations

import datetime
import re
from typing import Any

from wtforms import BooleanField, EmailField, RadioField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Email, Length, Optional

from pydotorg.db.models import Election, Nomination
from pydotorg.db.models.nominations import PACKAGING_COUNCIL
from pydotorg.lib.forms import SiteForm

#: The first year each body's service can be claimed for.
FIRST_YEAR = {"board": 2001, PACKAGING_COUNCIL: 2025}
NEW_MEMBER = {"board": "New board member", PACKAGING_COUNCIL: "New Packaging Council member"}
COC_LABEL = "I have read and will follow the PSF Code of Conduct."
MISSION_LABEL = "The nominee supports the PSF's mission to promote, protect and advance Python and its community."
ELIGIBILITY_LABEL = (
    "The nominee is eligible to serve on the Packaging Council as PEP 772 describes (a voting member of the PSF with "
    "a record of contribution to Python packaging)."
)
YEARS_RE = re.compile(r"\b(\d{4})\b")


class MultiCheckbox(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class NominationForm(SiteForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=1024)])
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=1024), Email(check_deliverability=False)])
    previous_service = RadioField("Previous service", choices=[("yes", "Yes"), ("no", "No")], validators=[Optional()])
    previous_service_years = MultiCheckbox("Years served", choices=[], validators=[Optional()])
    employer = StringField("Employer", validators=[Optional(), Length(max=1024)])
    other_affiliations = StringField("Other affiliations", validators=[Optional(), Length(max=2048)])
    nomination_statement = TextAreaField(
        "Nomination statement", validators=[DataRequired(), Length(max=20000)], description="Markdown syntax supported."
    )
    self_nomination = BooleanField("This is a self-nomination")
    coc_acknowledged = BooleanField(COC_LABEL)
    mission_alignment = BooleanField(MISSION_LABEL)
    eligibility_confirmed = BooleanField(ELIGIBILITY_LABEL)


def years_for(election: Election, today: datetime.date) -> list[str]:
    first = FIRST_YEAR.get(election.nomination_form_variant, FIRST_YEAR["board"])
    return [str(year) for year in range(today.year, first - 1, -1)]


def prepare(form: NominationForm, election: Election, today: datetime.date, *, creating: bool) -> NominationForm:
    """Fit the form to the election: its years, its label, the acknowledgments of its kind."""
    form.previous_service_years.choices = [(y, y) for y in years_for(election, today)]
    form.previous_service.label.text = (
        election.kind.previous_service_label if election.kind is not None else "Previous Board Service"
    )
    if election.hide_previous_service:
        del form.previous_service
        del form.previous_service_years
    if not creating:
        del form.self_nomination
    if election.nomination_form_variant == PACKAGING_COUNCIL:
        del form.mission_alignment
    else:
        del form.eligibility_confirmed
    return form


def initial(nomination: Nomination) -> dict[str, Any]:
    """An existing nomination's values for the edit form (the years read back from the stored text)."""
    years = YEARS_RE.findall(nomination.previous_board_service or "")
    return {
        "name": nomination.name,
        "email": nomination.email,
        "previous_service": "yes" if years else "no",
        "previous_service_years": years,
        "employer": nomination.employer,
        "other_affiliations": nomination.other_affiliations,
        "nomination_statement": nomination.nomination_statement,
        "coc_acknowledged": nomination.coc_acknowledged,
        "mission_alignment": nomination.mission_alignment,
        "eligibility_confirmed": nomination.eligibility_confirmed,
    }


def check(
    form: NominationForm, election: Election, *, first_name: str, last_name: str, creating: bool
) -> dict[str, str]:
    """Django's cross-field rules; returns {field: message} (added to the form by the caller)."""
    errors: dict[str, str] = {}
    if not election.hide_previous_service:
        answer = form.previous_service.data
        if answer not in ("yes", "no"):
            errors["previous_service"] = "Please say whether the nominee has served before."
        elif answer == "yes" and not form.previous_service_years.data:
            errors["previous_service_years"] = "Select at least one year of previous service."
    self_nominating = creating and bool(form.self_nomination.data)
    if self_nominating:
        if not (first_name.strip() and last_name.strip()):
            errors["self_nomination"] = (
                "Self-nominations need your first and last name on your profile: add them at /users/edit/ first."
            )
        if not form.coc_acknowledged.data:
            errors["coc_acknowledged"] = "A self-nomination must acknowledge the Code of Conduct."
        if election.nomination_form_variant == PACKAGING_COUNCIL and not form.eligibility_confirmed.data:
            errors["eligibility_confirmed"] = "A self-nomination must confirm the nominee's eligibility."
    return errors


def previous_service_text(form: NominationForm, election: Election) -> str | None:
    if election.hide_previous_service:
        return None
    years = sorted(form.previous_service_years.data or [])
    if form.previous_service.data == "yes" and years:
        return ", ".join(years)
    return NEW_MEMBER.get(election.nomination_form_variant, NEW_MEMBER["board"])


class AcceptForm(SiteForm):
    accepted = BooleanField("I accept this nomination")
