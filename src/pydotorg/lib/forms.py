"""Glue between WTForms and Litestar: bind a form to a request, the honeypot, and field errors added later.

Forms are WTForms classes (validation, coercion, rendering of values and errors); the request's form data is
adapted to the ``getlist`` interface WTForms expects. CSRF is checked by Litestar's middleware before a handler
runs, so forms here do not carry their own token.
"""

from __future__ import annotations

from typing import Any, TypeVar

from litestar import Request
from litestar.exceptions import HTTPException
from wtforms import Form

#: django-honeypot's field on python.org, and the value real browsers send back untouched.
HONEYPOT_FIELD = "email_body_text"
HONEYPOT_VALUE = "write your message"

FormT = TypeVar("FormT", bound="SiteForm")


NUL_MESSAGE = "Null characters are not allowed."


class SiteForm(Form):
    """Every form of the site: Django's ``ProhibitNullCharactersValidator`` on every field, since PostgreSQL cannot
    store a NUL character (a value with one would otherwise fail at the database, a 500)."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list | tuple) else [field.data]
            if any(isinstance(item, str) and "\x00" in item for item in values):
                field.errors = [*field.errors, NUL_MESSAGE]
                valid = False
        return valid


class FormData:
    """A Litestar ``FormMultiDict`` seen through the ``getlist`` interface of WTForms."""

    def __init__(self, data: Any) -> None:
        self._data = data

    def __iter__(self) -> Any:
        return iter(self._data.keys())

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def getlist(self, key: str) -> list[Any]:
        return list(self._data.getall(key, []))


async def bind(form_class: type[FormT], request: Request[Any, Any, Any], **kwargs: Any) -> FormT:
    """The form filled from the request body (POST) or with ``kwargs`` only (GET)."""
    if request.method == "POST":
        data = await request.form()
        return form_class(formdata=FormData(data), **kwargs)
    return form_class(**kwargs)


class HoneypotError(HTTPException):
    status_code = 400


async def check_honeypot(request: Request[Any, Any, Any]) -> None:
    """django-honeypot: the hidden field must come back with its value; anything else is a bot (400)."""
    if request.method != "POST":
        return
    data = await request.form()
    if data.get(HONEYPOT_FIELD) != HONEYPOT_VALUE:
        raise HoneypotError(detail="Your submission could not be accepted (honeypot check failed).")


def add_error(form: Form, field: str, message: str) -> None:
    """An error found after ``validate()`` (e.g. a uniqueness check against the database)."""
    errors = getattr(form, field).errors
    if isinstance(errors, tuple):
        errors = list(errors)
        getattr(form, field).errors = errors
    errors.append(message)


def value(field: Any) -> str:
    """A text field's data as a string ('' when empty)."""
    data = field.data
    return "" if data is None else str(data)


def is_number(text: str) -> bool:
    """A non-negative whole number in ASCII digits. ``str.isdigit`` accepts "¹" and other Unicode digits that
    ``int()`` then refuses, which made a 500 of ids, lists and filters."""
    return text.isascii() and text.isdigit()
