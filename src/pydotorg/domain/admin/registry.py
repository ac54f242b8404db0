"""The staff admin's model registry: what each model shows, how it is searched, filtered and edited.

Each section registers its models with :func:`register` (a :class:`ModelAdmin` per model). Forms are WTForms
classes generated from the SQLAlchemy columns (type, length, nullability), with per-model overrides: choices,
select boxes for foreign keys, read-only fields, uploads and many-to-many fields. Permissions follow Django's
``<app_label>.<action>_<model>`` names (view, add, change, delete).
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    FileField,
    Form,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from pydotorg.db.base import Base
from pydotorg.lib.forms import SiteForm
from pydotorg.lib.images import RASTER_FORMATS, ImageError, check_image
from pydotorg.lib.markup import MarkupType

ACTIONS = ("view", "add", "change", "delete")
#: photographs and logos; SVG only where an upload asks for it (it is checked for scripts)
IMAGE_EXTENSIONS = frozenset(RASTER_FORMATS)
MARKUP_CHOICES = [(kind.value, kind.value) for kind in MarkupType if kind.value != "plain"]

#: Hook run after a row is saved or deleted (e.g. invalidate the site content snapshot).
#: Runs in the saving transaction, before its commit: (session, the row saved, or None after a delete).
BeforeCommit = Callable[[AsyncSession, Any], Awaitable[None]]


class Permit(StrEnum):
    """What a model permission allows (Django's default permissions, ``<app_label>.<permit>_<model>``)."""

    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"


#: A list-page action: (request, session, rows) -> response or None.
Action = Callable[[Any, AsyncSession, Sequence[Any]], Awaitable[Any]]


@dataclass(frozen=True)
class ComputedFilter:
    """A list filter that is not a column: its options and the clause each option adds (e.g. "has a value")."""

    label: str
    options: list[tuple[str, str]]
    clause: Callable[[str], Any]


#: A page of one row at ``<admin url><pk>/<name>/`` (GET and POST): (request, session, pk) -> response. It checks
#: its own permission (Django's custom admin URLs, such as a sponsorship's approve page).
ObjectView = Callable[[Any, AsyncSession, int], Awaitable[Any]]


@dataclass
class Upload:
    """A file column: stored under ``<media>/<folder>/`` with a generated name. An ``image`` upload is decoded
    before it is accepted (``lib.images``) and gets a thumbnail."""

    folder: str
    extensions: frozenset[str]
    max_bytes: int = 32 * 1024 * 1024
    image: bool = False

    def __post_init__(self) -> None:
        self.extensions = frozenset(extension.lower().lstrip(".") for extension in self.extensions)


def image_upload(folder: str, extensions: frozenset[str] = IMAGE_EXTENSIONS, max_mb: int = 10) -> Upload:
    return Upload(folder, extensions, max_bytes=max_mb * 1024 * 1024, image=True)


@dataclass
class ManyToMany:
    """A many-to-many field edited as a multiple select: relationship attribute and its choices."""

    relationship: str
    target: type[Base]
    label: Callable[[Any], str] = str


@dataclass
class ModelAdmin:
    model: type[Base]
    app_label: str
    model_name: str
    verbose_name: str
    verbose_name_plural: str
    list_display: list[str]
    fields: list[str]
    search_fields: list[str] = field(default_factory=list)
    list_filter: list[str] = field(default_factory=list)
    ordering: str = "-id"
    readonly_fields: list[str] = field(default_factory=list)
    #: Fields only superusers may change (e.g. ``is_superuser``).
    superuser_fields: list[str] = field(default_factory=list)
    choices: dict[str, list[tuple[Any, str]]] = field(default_factory=dict)
    #: Foreign keys shown as a select box (column -> model of the choices); other keys are raw ids.
    fk_select: dict[str, type[Base]] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
    many_to_many: dict[str, ManyToMany] = field(default_factory=dict)
    help_texts: dict[str, str] = field(default_factory=dict)
    can_add: bool = True
    can_delete: bool = True
    per_page: int = 50
    actions: dict[str, tuple[str, Action]] = field(default_factory=dict)
    before_commit: BeforeCommit | None = None
    #: Related rows listed on the change page: (label, admin key, foreign-key column).
    related: list[tuple[str, str, str]] = field(default_factory=list)
    #: Links beside History and Delete on a row's page: obj -> [(label, url)] (e.g. a sponsorship's approve page).
    object_tools: Callable[[Any], list[tuple[str, str]]] | None = None
    #: Filters computed from more than a column, by query parameter.
    computed_filters: dict[str, ComputedFilter] = field(default_factory=dict)
    #: Pages of one row beyond change, delete and history, by the last segment of their URL.
    object_views: dict[str, ObjectView] = field(default_factory=dict)
    #: Extra validation with database access: (session, form, obj or None) -> {field: message}.
    validate: Callable[[AsyncSession, Any, Any], Awaitable[dict[str, str]]] | None = None

    @property
    def key(self) -> str:
        return f"{self.app_label}.{self.model_name}"

    @property
    def url(self) -> str:
        return f"/admin/{self.app_label}/{self.model_name}/"

    def tools(self, obj: Any) -> list[tuple[str, str]]:
        return self.object_tools(obj) if self.object_tools is not None else []

    def perm(self, action: Permit) -> str:
        return f"{self.app_label}.{action}_{self.model_name}"

    @property
    def mapper(self) -> Mapper[Any]:
        return inspect(self.model)

    def column(self, name: str) -> Any:
        return self.mapper.columns[name]

    def display(self, obj: Any, name: str) -> Any:
        value = getattr(obj, name, "")
        if name in self.choices:
            return dict(self.choices[name]).get(value, value)
        if isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%d %H:%M")
        return value


REGISTRY: dict[str, ModelAdmin] = {}
#: Permissions that are not add/change/delete/view of a model: (app_label, codename, name).
EXTRA_PERMISSIONS: list[tuple[str, str, str]] = [
    ("jobs", "can_moderate_jobs", "Can moderate Job listings"),
    ("sponsors", "sponsor_publisher", "Sponsor Publisher"),
]


def register(admin: ModelAdmin) -> ModelAdmin:
    if admin.key in REGISTRY and REGISTRY[admin.key].model is not admin.model:
        raise ValueError(f"admin {admin.key} is registered twice")
    REGISTRY[admin.key] = admin
    return admin


def get_admin(app_label: str, model_name: str) -> ModelAdmin | None:
    return REGISTRY.get(f"{app_label}.{model_name}")


def all_permissions() -> list[tuple[str, str, str, str]]:
    """(app_label, model, codename, name) of every permission the admin knows about."""
    found = [
        (admin.app_label, admin.model_name, f"{action}_{admin.model_name}", f"Can {action} {admin.verbose_name}")
        for admin in sorted(REGISTRY.values(), key=lambda a: a.key)
        for action in ACTIONS
    ]
    found.extend((app, "", codename, name) for app, codename, name in EXTRA_PERMISSIONS)
    return found


# -- forms ----------------------------------------------------------------------------------------------------------
def _required(column: Any) -> bool:
    return not column.nullable and column.default is None and column.server_default is None


class _DateTimeUTCField(DateTimeLocalField):
    """``datetime-local`` input read and shown in UTC."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if isinstance(self.data, datetime.datetime) and self.data.tzinfo is None:
            self.data = self.data.replace(tzinfo=datetime.UTC)


def _field_for(admin: ModelAdmin, name: str, fk_choices: dict[str, list[tuple[Any, str]]]) -> Field:
    label = name.replace("_id", "").replace("_", " ").capitalize()
    description = admin.help_texts.get(name, "")
    if name in admin.many_to_many:
        return SelectMultipleField(label, coerce=int, choices=fk_choices.get(name, []), description=description)
    if name in admin.uploads:
        upload = admin.uploads[name]
        allowed = ", ".join(f".{extension}" for extension in sorted(upload.extensions))
        return FileField(label, description=description or f"Allowed: {allowed}")
    column = admin.column(name)
    required = _required(column)
    presence = [DataRequired()] if required else [Optional()]
    if name in admin.choices or name.endswith("_markup_type"):
        choices = admin.choices.get(name) or MARKUP_CHOICES
        coerce = type(choices[0][0]) if choices else str
        return SelectField(label, choices=choices, coerce=coerce, description=description)
    if name in admin.fk_select:
        choices = fk_choices.get(name, [])
        if column.nullable:
            choices = [("", "---------"), *choices]
        return SelectField(
            label,
            choices=choices,
            coerce=lambda value: int(value) if value not in (None, "", "None") else None,
            validators=[DataRequired()] if required else [Optional()],
            description=description,
        )
    kind = column.type
    if isinstance(kind, Boolean):
        return BooleanField(label, description=description)
    if isinstance(kind, Integer) or column.foreign_keys:
        return IntegerField(label, validators=[*presence, NumberRange(min=0)], description=description)
    if isinstance(kind, DateTime) or "DateTime" in type(kind).__name__:
        return _DateTimeUTCField(label, validators=presence, description=description, format="%Y-%m-%dT%H:%M")
    if isinstance(kind, Date):
        return DateField(label, validators=presence, description=description)
    if isinstance(kind, Text):
        return TextAreaField(label, validators=[*presence, Length(max=1_000_000)], description=description)
    if isinstance(kind, String):
        limit = [Length(max=kind.length)] if kind.length else []
        return StringField(label, validators=[*presence, *limit], description=description)
    return StringField(label, validators=presence, description=description)


def build_form_class(
    admin: ModelAdmin, fk_choices: dict[str, list[tuple[Any, str]]], *, editable: Sequence[str]
) -> type[Form]:
    attrs = {name: _field_for(admin, name, fk_choices) for name in editable}
    return type(f"{admin.model.__name__}AdminForm", (SiteForm,), attrs)


def check_upload(upload: Upload, filename: str, content: bytes) -> str:
    """The upload's extension once its type, size and (for images) decoded content are acceptable."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in upload.extensions:
        allowed = ", ".join(f".{extension}" for extension in sorted(upload.extensions))
        raise ValidationError(f"Files of type '.{suffix}' are not allowed (allowed: {allowed}).")
    if len(content) > upload.max_bytes:
        raise ValidationError(f"The file is too large (at most {upload.max_bytes // (1024 * 1024)} MB).")
    if upload.image:
        try:
            check_image(content, suffix)
        except ImageError as exc:
            raise ValidationError(str(exc)) from None
    return suffix
