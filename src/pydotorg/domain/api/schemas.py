"""Typed descriptions of the API bodies for the OpenAPI document, built from each resource's fields.

The handlers build their JSON from rows (lean queries); these msgspec structs only tell OpenAPI what that JSON
looks like, so the schema at ``/schema`` describes the real wire format of both versions.
"""

from __future__ import annotations

import datetime
from typing import Any

import msgspec
from litestar.openapi import ResponseSpec

from pydotorg.domain.api.resources import Resource


def _field_type(resource: Resource, name: str, *, version: int) -> Any:
    kind = resource.kind(name)
    key = resource.relations[name].column if name in resource.relations else name
    nullable = bool(resource.column(key).nullable)
    python: Any = {"boolean": bool, "integer": int, "related": str, "string": str}.get(kind, str)
    if kind == "datetime":
        python = datetime.datetime if version == 2 else str
    return python | None if nullable else python


def item_struct(resource: Resource, *, version: int) -> type[msgspec.Struct]:
    fields = [(name, _field_type(resource, name, version=version)) for name in resource.fields]
    fields.append(("resource_uri", str))
    name = "".join(part.title() for part in resource.name.replace("/", "_").split("_"))
    return msgspec.defstruct(f"{name}V{version}", fields, kw_only=True)


class ListMeta(msgspec.Struct):
    """tastypie's ``meta``: the page and the total number of rows."""

    limit: int
    next: str | None
    offset: int
    previous: str | None
    total_count: int


def v1_list_struct(resource: Resource) -> type[msgspec.Struct]:
    item = item_struct(resource, version=1)
    name = item.__name__.removesuffix("V1")
    return msgspec.defstruct(f"{name}ListV1", [("meta", ListMeta), ("objects", list[item])])  # type: ignore[valid-type]


def responses_v1(resource: Resource) -> tuple[dict[int, ResponseSpec], dict[int, ResponseSpec]]:
    """(list responses, detail responses) for the v1 routes."""
    return (
        {
            200: ResponseSpec(
                data_container=v1_list_struct(resource), generate_examples=False, description="A page of objects"
            )
        },
        {
            200: ResponseSpec(
                data_container=item_struct(resource, version=1), generate_examples=False, description="One object"
            )
        },
    )


def responses_v2(resource: Resource) -> tuple[dict[int, ResponseSpec], dict[int, ResponseSpec]]:
    item = item_struct(resource, version=2)
    return (
        {200: ResponseSpec(data_container=list[item], generate_examples=False, description="Every visible object")},  # type: ignore[valid-type]
        {200: ResponseSpec(data_container=item, generate_examples=False, description="One object")},
    )
