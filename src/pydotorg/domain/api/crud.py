"""Queries and writes shared by both API versions: published-only reads, relation URIs, validated writes."""

from __future__ import annotations

import datetime
import re
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from pydotorg.domain.api.resources import REGISTRY, InputError, Resource, coerce
from pydotorg.lib.forms import is_number

_URI_RE = re.compile(r"/api/v[12]/(?P<name>[a-z_]+/[a-z_]+)/(?P<pk>\d+)/?$")


def base_query(resource: Resource, *, staff: bool) -> Select[Any]:
    model: Any = resource.model
    query = select(model)
    if resource.published_only and not staff:
        query = query.where(model.is_published.is_(True))
    return ordered(resource, query)


def ordered(resource: Resource, query: Select[Any]) -> Select[Any]:
    """``resource.ordering`` as Django's ``Meta.ordering``: ``-`` for descending, ``relation__column`` through a
    relation (joined once); the id last, so that equal keys still come in one order."""
    model: Any = resource.model
    joined: dict[str, Any] = {}
    keys = []
    for spec in resource.ordering:
        name = spec.lstrip("-")
        relation_name, _, column_name = name.rpartition("__")
        if relation_name:
            relation = resource.relations[relation_name]
            if relation_name not in joined:
                target = aliased(REGISTRY[relation.target].model)
                query = query.join(target, getattr(model, relation.column) == target.id)
                joined[relation_name] = target
            column = getattr(joined[relation_name], column_name)
        else:
            column = getattr(model, column_name)
        keys.append(column.desc() if spec.startswith("-") else column.asc())
    return query.order_by(*keys, model.id)


def lean(resource: Resource, query: Select[Any]) -> Select[Any]:
    """``query`` reduced to the columns the API shows: rows instead of ORM entities (about 3x cheaper)."""
    model: Any = resource.model
    columns = [model.id]
    for name in resource.fields:
        key = resource.relations[name].column if name in resource.relations else resource.read_from.get(name, name)
        columns.append(getattr(model, key))
    return query.with_only_columns(*columns)


#: One field of a lean row: its name, its index in the row, the resource a relation points to (or None), and
#: whether the column holds date-times.
Slot = tuple[str, int, str | None, bool]


_PLANS: dict[str, tuple[Slot, ...]] = {}


def row_plan(resource: Resource) -> tuple[Slot, ...]:
    """How :func:`lean` rows map to the API's fields, worked out once per resource (not per row and field)."""
    plan = _PLANS.get(resource.name)
    if plan is None:
        plan = _PLANS[resource.name] = _plan(resource)
    return plan


def _plan(resource: Resource) -> tuple[Slot, ...]:
    model: Any = resource.model
    slots: list[Slot] = []
    for index, name in enumerate(resource.fields, start=1):
        if name in resource.relations:
            slots.append((name, index, resource.relations[name].target, False))
            continue
        column = getattr(model, resource.read_from.get(name, name))
        slots.append((name, index, None, _holds_datetimes(column)))
    return tuple(slots)


def _holds_datetimes(column: Any) -> bool:
    try:
        return bool(column.type.python_type is datetime.datetime)
    except (AttributeError, NotImplementedError):  # a type without a Python type: leave values alone
        return True


async def fetch(session: AsyncSession, resource: Resource, pk: int, *, staff: bool) -> Any | None:
    model: Any = resource.model
    return (await session.execute(base_query(resource, staff=staff).where(model.id == pk))).scalars().first()


def serialize(resource: Resource, obj: Any, uri: Any) -> dict[str, Any]:
    """The public fields of ``obj``; relations as ``uri(resource_name, pk)`` (or None)."""
    data: dict[str, Any] = {}
    for name in resource.fields:
        if name in resource.relations:
            relation = resource.relations[name]
            pk = getattr(obj, relation.column)
            data[name] = uri(relation.target, pk) if pk is not None else None
        else:
            data[name] = getattr(obj, resource.read_from.get(name, name))
    data["resource_uri"] = uri(resource.name, obj.id)
    return data


async def resolve_relation(session: AsyncSession, resource: Resource, name: str, value: Any) -> int | None:
    """A relation given as a resource URI (v1 path or v2 absolute URL) or, leniently, as a bare id."""
    relation = resource.relations[name]
    if value is None or value == "":
        if relation.nullable:
            return None
        raise InputError({name: "This field may not be null."})
    pk: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        pk = value
    elif isinstance(value, str):
        found = _URI_RE.search(value.split("?", 1)[0])
        if found and found.group("name") == relation.target:
            pk = int(found.group("pk"))
        elif is_number(value):
            pk = int(value)
    if pk is None:
        raise InputError({name: f"Invalid hyperlink - expected a URI of {relation.target}, got {value!r}."})
    target: Any = REGISTRY[relation.target].model
    if (await session.execute(select(target.id).where(target.id == pk))).first() is None:
        raise InputError({name: f"Invalid hyperlink - object {value!r} does not exist."})
    return pk


async def apply(session: AsyncSession, resource: Resource, data: Any, obj: Any | None, *, partial: bool) -> Any:
    """Validate ``data`` (a decoded JSON object) and write it to ``obj`` (or a new row). Raises ``InputError``."""
    if not isinstance(data, dict):
        raise InputError({"__all__": "Expected a JSON object."})
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in resource.fields:
        if name not in data:
            continue
        try:
            if name in resource.relations:
                values[resource.relations[name].column] = await resolve_relation(session, resource, name, data[name])
            else:
                values[name] = coerce(resource, name, data[name])
        except InputError as exc:
            errors.update(exc.errors)
    if not partial and obj is None:
        for name in resource.fields:
            key = resource.relations[name].column if name in resource.relations else name
            if key in values or name in errors:
                continue
            if name in resource.defaults:
                values[key] = resource.defaults[name]()
                continue
            column = resource.column(key)
            if not column.nullable and column.default is None and column.server_default is None:
                errors[name] = "This field is required."
    if errors:
        raise InputError(errors)
    if resource.validate is not None:
        merged = {**({} if obj is None else _current(resource, obj)), **values}
        problems = await resource.validate(session, merged, obj)
        if problems:
            raise InputError(problems)
    model: Any = resource.model
    target = obj if obj is not None else model()
    for key, value in values.items():
        setattr(target, key, value)
    if obj is None:
        session.add(target)
    try:
        await session.flush()
    except IntegrityError as exc:
        await session.rollback()
        raise InputError({"__all__": "This conflicts with an existing row (a duplicate slug, URL or name)."}) from exc
    return target


def _current(resource: Resource, obj: Any) -> dict[str, Any]:
    current: dict[str, Any] = {"id": obj.id}
    for name in resource.fields:
        key = resource.relations[name].column if name in resource.relations else name
        current[key] = getattr(obj, key)
    return current
