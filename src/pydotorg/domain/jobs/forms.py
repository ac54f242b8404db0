"""The job form (Django's ``JobForm``) and the review comment form."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from pydotorg.lib.forms import SiteForm, is_number

MARKUP_HELP = "reStructuredText: *emphasis*, **strong**, `links <https://example.org/>`_, bullet lists with -."


class CheckboxList(SelectMultipleField):
    """Django's ``CheckboxSelectMultiple``."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _http_url(_form: Any, field: Any) -> None:
    if field.data and not str(field.data).lower().startswith(("http://", "https://")):
        raise ValidationError("Enter a valid URL starting with http:// or https://.")


class JobForm(SiteForm):
    job_title = StringField("Job title", [DataRequired(), Length(max=100)])
    company_name = StringField("Company name", [DataRequired(), Length(max=100)])
    category = SelectField("Category", [DataRequired(message="Choose a category.")], coerce=int)
    job_types = CheckboxList("Job types", coerce=int, validators=[Optional()])
    other_job_type = StringField("Other job type", [Optional(), Length(max=100)])
    city = StringField("City", [DataRequired(), Length(max=100)])
    region = StringField("State, province or region", [Optional(), Length(max=100)])
    country = StringField("Country", [DataRequired(), Length(max=100)])
    description = TextAreaField("Job description", [DataRequired(), Length(max=20_000)], description=MARKUP_HELP)
    requirements = TextAreaField("Job requirements", [DataRequired(), Length(max=20_000)], description=MARKUP_HELP)
    company_description = TextAreaField(
        "Company description", [Optional(), Length(max=20_000)], description=MARKUP_HELP
    )
    contact = StringField("Contact name", [Optional(), Length(max=100)])
    email = EmailField(
        "Contact email",
        [DataRequired(), Email(), Length(max=254)],
        description="This address is shown publicly on the job listing.",
    )
    url = URLField("URL", [Optional(), Length(max=200), _http_url])
    telecommuting = BooleanField("Telecommuting allowed")
    agencies = BooleanField("Agencies are OK to contact?", default=True)

    def set_choices(self, categories: list[tuple[int, str]], job_types: list[tuple[int, str]]) -> None:
        self.category.choices = [(0, "Choose a category"), *categories]
        self.job_types.choices = job_types

    def validate_category(self, field: Any) -> None:
        if field.data not in {value for value, _ in field.choices or [] if value}:
            raise ValidationError("Choose a category.")


class ReviewCommentForm(SiteForm):
    job = HiddenField("Job", [DataRequired()])
    comment = TextAreaField("Comment", [Optional(), Length(max=10_000)], description=MARKUP_HELP)
    action = SelectField(
        "Action",
        choices=[("", "Comment only"), ("approve", "Approve"), ("reject", "Reject")],
        validators=[Optional()],
    )

    def validate_job(self, field: Any) -> None:
        if not is_number(str(field.data or "")):
            raise ValidationError("Unknown job.")
