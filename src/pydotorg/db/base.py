"""Declarative base and the mixins shared by python.org's models.

* integer primary keys (so rows imported from Django keep their ids);
* :class:`ContentManageable` — Django's ``cms.ContentManageable`` (created, updated, creator, last_modified_by);
* :class:`NameSlug` — Django's ``cms.NameSlugModel`` (name and a unique slug derived from it when blank);
* markup fields — three columns per field (raw text, markup type, rendered HTML) rendered when the row is saved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, ClassVar

from advanced_alchemy.base import BigIntBase
from advanced_alchemy.types import DateTimeUTC
from advanced_alchemy.utils.text import slugify
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, event, inspect, text
from sqlalchemy.orm import Mapped, Session, declarative_mixin, declared_attr, mapped_column

from pydotorg.lib import markup

__all__ = (
    "Base",
    "ContentManageable",
    "MarkupSpec",
    "NameSlug",
    "association_table",
    "markup_rendered_column",
    "markup_type_column",
    "utcnow",
)


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Base(BigIntBase):
    """Every model: a BigInt primary key named ``id`` (an ``integer`` on SQLite)."""

    __abstract__ = True
    #: Markup fields of the model: raw column name -> how to render it.
    __markup__: ClassVar[dict[str, MarkupSpec]] = {}


@dataclass(frozen=True)
class MarkupSpec:
    """How a markup field is rendered; ``trusted`` keeps raw HTML for the trusted dialects."""

    trusted: bool = False
    escape_html: bool = False


def association_table(name: str, left: tuple[str, str], right: tuple[str, str]) -> Table:
    """A Django many-to-many table: its own ``id``, one indexed foreign key per side, each pair once.

    ``left`` and ``right`` are (column, referenced table) pairs, e.g. ``("event_id", "events_event")``.
    """
    (left_column, left_table), (right_column, right_table) = left, right
    return Table(
        name,
        Base.metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(left_column, ForeignKey(f"{left_table}.id", ondelete="CASCADE"), nullable=False, index=True),
        Column(right_column, ForeignKey(f"{right_table}.id", ondelete="CASCADE"), nullable=False, index=True),
        UniqueConstraint(left_column, right_column, name=f"uq_{name}"),
    )


def markup_type_column(default: str) -> Mapped[str]:
    return mapped_column(String(30), default=default, server_default=default)


def markup_rendered_column(field: str) -> Mapped[str]:
    """The rendered HTML column, named as django-markupfield names it (``_<field>_rendered``)."""
    return mapped_column(f"_{field}_rendered", Text, default="", server_default="")


@declarative_mixin
class ContentManageable:
    """Django's ``cms.ContentManageable``: timestamps and who created or last changed the row."""

    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, index=True)
    updated: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, onupdate=utcnow)

    @declared_attr
    def creator_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"), nullable=True, index=True)

    @declared_attr
    def last_modified_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users_user.id", ondelete="SET NULL"), nullable=True, index=True)


@declarative_mixin
class Versioned:
    """An edit counter. SQLAlchemy adds ``WHERE version = <loaded>`` to every UPDATE and raises ``StaleDataError``
    when another writer got there first, and the admin refuses a form opened at an older version (a stale save)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default=text("1"))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


@declarative_mixin
class NameSlug:
    """Django's ``cms.NameSlugModel``: a name and a unique slug, slugified from the name when left blank."""

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200), unique=True, default="")

    def __str__(self) -> str:
        return self.name


def _default_markup_type(model: type[Any], type_field: str) -> str:
    """The markup type column's own default (``html`` for code samples), for a row not flushed yet."""
    column = inspect(model).columns.get(type_field)
    default = getattr(getattr(column, "default", None), "arg", None)
    return default if isinstance(default, str) and default else markup.MarkupType.RESTRUCTUREDTEXT.value


def render_markup_fields(obj: Any, *, force: bool = False) -> bool:
    """Render every markup field of ``obj`` whose text or type changed (or all when ``force``).

    Returns whether anything was rendered.
    """
    spec: dict[str, MarkupSpec] = getattr(type(obj), "__markup__", {})
    if not spec:
        return False
    state = inspect(obj)
    changed = False
    for field, options in spec.items():
        type_field = f"{field}_markup_type"
        dirty = (
            force
            or state.transient
            or state.pending
            or state.attrs[field].history.has_changes()
            or state.attrs[type_field].history.has_changes()
        )
        if dirty:
            markup_type = getattr(obj, type_field) or _default_markup_type(type(obj), type_field)
            setattr(
                obj,
                f"{field}_rendered",
                markup.render(
                    getattr(obj, field), markup_type, trusted=options.trusted, escape_html=options.escape_html
                ),
            )
            changed = True
    return changed


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        render_markup_fields(obj)
        if isinstance(obj, NameSlug) and not obj.slug and obj.name:
            obj.slug = slugify(obj.name)
