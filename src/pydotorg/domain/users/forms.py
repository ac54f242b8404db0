"""The account and membership forms (the fields and rules of allauth's and python.org's Django forms)."""

from __future__ import annotations

from typing import Any

from wtforms import (
    BooleanField,
    EmailField,
    Form,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Regexp, ValidationError

from pydotorg.db.models.users import EmailPrivacy, SearchVisibility
from pydotorg.lib.forms import SiteForm

#: Django's ASCIIUsernameValidator: letters, digits and @/./+/-/_ only.
USERNAME_PATTERN = r"^[A-Za-z0-9@.+_-]+$"
USERNAME_HELP = "Required. 150 characters or fewer. Letters (A-Z), digits and @/./+/-/_ only."


def _username_field() -> StringField:
    return StringField(
        "Username",
        validators=[
            DataRequired(),
            Length(max=150),
            Regexp(USERNAME_PATTERN, message="Enter a valid username. " + USERNAME_HELP),
        ],
        description=USERNAME_HELP,
    )


def _email_field(label: str = "E-mail") -> EmailField:
    return EmailField(label, validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)])


class SignupForm(SiteForm):
    email = _email_field()
    username = _username_field()
    password1 = PasswordField("Password", validators=[DataRequired(), Length(max=4096)])
    password2 = PasswordField(
        "Password (again)",
        validators=[DataRequired(), EqualTo("password1", message="You must type the same password each time.")],
    )


class LoginForm(SiteForm):
    login = StringField("Username or e-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=4096)])
    next = HiddenField()


class ReauthenticateForm(SiteForm):
    password = PasswordField("Password", validators=[DataRequired(), Length(max=4096)])
    next = HiddenField()


class PasswordChangeForm(SiteForm):
    oldpassword = PasswordField("Current password", validators=[DataRequired(), Length(max=4096)])
    password1 = PasswordField("New password", validators=[DataRequired(), Length(max=4096)])
    password2 = PasswordField(
        "New password (again)",
        validators=[DataRequired(), EqualTo("password1", message="You must type the same password each time.")],
    )


class PasswordResetForm(SiteForm):
    email = _email_field()


class SetPasswordForm(SiteForm):
    password1 = PasswordField("New password", validators=[DataRequired(), Length(max=4096)])
    password2 = PasswordField(
        "New password (again)",
        validators=[DataRequired(), EqualTo("password1", message="You must type the same password each time.")],
    )


class AddEmailForm(SiteForm):
    email = _email_field("Add an e-mail address")


def _text(value: str | None) -> str:
    """A field left out of the POST is empty text, not NULL (the columns are NOT NULL, as Django's)."""
    return value or ""


class UserProfileForm(SiteForm):
    username = _username_field()
    first_name = StringField("First name", validators=[Length(max=150)], filters=[_text])
    last_name = StringField("Last name", validators=[Length(max=150)], filters=[_text])
    # No e-mail here (security finding 4): the address changes through /accounts/email/, verified first.
    bio = TextAreaField(
        "Bio", validators=[Length(max=20000)], filters=[_text], description="Markdown; HTML is shown as text."
    )
    search_visibility = RadioField(
        "Search visibility",
        coerce=int,
        choices=[
            (SearchVisibility.PUBLIC.value, "Allow search engines to index my profile page (recommended)"),
            (SearchVisibility.PRIVATE.value, "Exclude my profile from search engines"),
        ],
    )
    email_privacy = RadioField(
        "E-mail privacy",
        coerce=int,
        choices=[
            (EmailPrivacy.PUBLIC.value, "E-mail is public"),
            (EmailPrivacy.LOGGED_IN_ONLY.value, "Only logged-in users can see my e-mail"),
            (EmailPrivacy.NEVER.value, "No one can ever see my e-mail"),
        ],
    )
    public_profile = BooleanField("Make my profile public")


def _must_be_yes(_form: Form, field: Any) -> None:
    if field.data != "yes":
        raise ValidationError("Agreeing to the code of conduct is required.")


class MembershipEditForm(SiteForm):
    legal_name = StringField("Legal name", validators=[DataRequired(), Length(max=100)])
    preferred_name = StringField("Preferred name", validators=[DataRequired(), Length(max=100)])
    email_address = _email_field("E-mail address")
    city = StringField("City", validators=[DataRequired(), Length(max=100)])
    region = StringField("State, province or region", validators=[DataRequired(), Length(max=100)])
    country = StringField("Country", validators=[DataRequired(), Length(max=100)])
    postal_code = StringField("Postal code", validators=[DataRequired(), Length(max=20)])


class MembershipForm(MembershipEditForm):
    psf_code_of_conduct = SelectField(
        "I agree to the PSF Code of Conduct",
        choices=[("", "---------"), ("yes", "Yes"), ("no", "No")],
        validators=[InputRequired(message="This field is required."), _must_be_yes],
    )


class AffirmVoteForm(SiteForm):
    affirm = BooleanField("I affirm that I intend to vote in PSF elections", validators=[DataRequired()])
