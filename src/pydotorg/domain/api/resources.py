"""What the APIs expose, described once per model and served by both the v1 (tastypie) and v2 (DRF) layers.

A :class:`Resource` names the model, its public fields, its relations (foreign keys shown as resource URIs), the
filters each API version accepts, whether non-staff see only published rows, and the write rules (the same
validation the admin runs). Sections register their resources (``domain/<section>/api.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, String, cast, func
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import Base

#: (session, values, existing row or None) -> {field: message}
Validator = Callable[[AsyncSession, dict[str, Any], Any], Awaitable[dict[str, str]]]
#: Runs after a write commits: (request, the row written or deleted).
#: Runs in the writing transaction, before its commit: (session, the row written or deleted).
BeforeCommit = Callable[[AsyncSession, Any], Awaitable[None]]


@dataclass
class Relation:
    column: str
    target: str  # resource name, e.g. "downloads/os"
    nullable: bool = False


@dataclass
class Resource:
    name: str  # "downloads/release": the URL segment of both versions
    model: type[Base]
    fields: list[str]
    relations: dict[str, Relation] = field(default_factory=dict)
    #: Fields shown from another attribute than the one written: a markup field is read as its rendered HTML
    #: (``{"content": "content_rendered"}``), as Django's APIs send ``str(MarkupField)``.
    read_from: dict[str, str] = field(default_factory=dict)
    published_only: bool = False
    #: v1 (tastypie's ``Meta.filtering``): field -> a tuple of allowed lookups ("exact", "startswith", ...), or
    #: the constants ALL (1) and ALL_WITH_RELATIONS (2, which also allows lookups through a relation: ``os__slug``).
    v1_filtering: dict[str, int | tuple[Any, ...]] = field(default_factory=dict)
    v1_list_delete: bool = False
    #: v2 (DRF): query parameter -> (field, lookup)
    v2_filters: dict[str, tuple[str, str]] = field(default_factory=dict)
    v2_strict_filters: bool = True
    v2_writable: bool = True
    v2_basename: str = ""
    #: Django's ``Meta.ordering``: field names, ``-`` for descending, ``relation__field`` through a relation.
    ordering: tuple[str, ...] = ("id",)
    validate: Validator | None = None
    before_commit: BeforeCommit | None = None
    #: Fields filled by the server on create when the body leaves them out.
    defaults: dict[str, Callable[[], Any]] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)

    @property
    def model_name(self) -> str:
        return self.name.split("/", 1)[1]

    def column(self, name: str) -> Any:
        return self.model.__table__.columns[name]

    def kind(self, name: str) -> str:
        """A field's JSON type: string, integer, boolean, datetime, related."""
        if name in self.relations:
            return "related"
        column_type = self.column(name).type
        if isinstance(column_type, Boolean):
            return "boolean"
        if isinstance(column_type, Integer):
            return "integer"
        if isinstance(column_type, DateTime) or "DateTime" in type(column_type).__name__:
            return "datetime"
        return "string"


REGISTRY: dict[str, Resource] = {}


def register(resource: Resource) -> Resource:
    REGISTRY[resource.name] = resource
    return resource


def get_resource(name: str) -> Resource | None:
    return REGISTRY.get(name)


class InputError(Exception):
    """Bad request data: ``errors`` maps a field (or ``__all__``) to messages."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


TRUE_VALUES = {"true", "True", "1", "yes", "on"}
FALSE_VALUES = {"false", "False", "0", "no", "off"}


PATTERN_LOOKUPS = frozenset({"contains", "icontains", "startswith", "istartswith"})


def refuse_nul(name: str, value: str) -> None:
    """PostgreSQL cannot store or compare a NUL character (Django answered a 500): DRF's message, as a 400."""
    if "\x00" in value:
        raise InputError({name: "Null characters are not allowed."})


def pattern_clause(column: Any, lookup: str, raw: str) -> Any:
    """Django's pattern lookups: they compare text, so a number or a date column is cast and the value used as
    given (``version__startswith=3`` matches every 3.x); ``%`` and ``_`` in the value match themselves."""
    text = column if isinstance(column.type, String) else cast(column, String)
    if lookup.startswith("i"):
        text, raw = func.lower(text), raw.lower()
    if lookup.endswith("contains"):
        return text.contains(raw, autoescape=True)
    return text.startswith(raw, autoescape=True)


def coerce(resource: Resource, name: str, value: Any) -> Any:
    """A JSON (or query string) value converted to the column's type; raises ``InputError``."""
    kind = resource.kind(name)
    column = resource.column(resource.relations[name].column if name in resource.relations else name)
    if value is None:
        if column.nullable:
            return None
        raise InputError({name: "This field may not be null."})
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value) in TRUE_VALUES:
            return True
        if str(value) in FALSE_VALUES:
            return False
        raise InputError({name: "Must be a valid boolean."})
    if kind == "integer":
        if isinstance(value, bool):
            raise InputError({name: "A valid integer is required."})
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InputError({name: "A valid integer is required."}) from None
        if number < 0 or number > 2**62:
            raise InputError({name: "Ensure this value is between 0 and 2^62."})
        return number
    if kind == "datetime":
        if isinstance(value, datetime.datetime):
            parsed = value
        else:
            try:
                parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
            except ValueError:
                raise InputError(
                    {name: "Datetime has wrong format. Use ISO 8601, e.g. 2026-10-01T12:00:00Z."}
                ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)
    if not isinstance(value, str):
        raise InputError({name: "Not a valid string."})
    refuse_nul(name, value)
    limit = getattr(column.type, "length", None)
    if limit and len(value) > limit:
        raise InputError({name: f"Ensure this field has no more than {limit} characters."})
    return value
