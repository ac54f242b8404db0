"""Typed descriptions of the API bodies for the OpenAPI document, built from each resource's fields.

The handlers build their JSON from rows (lean queries); these msgspec structs only tell OpenAPI what that JSON
looks like, so the schema at ``/schema`` describes the real wire format of both versions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    RequestBody,
    Schema,
)

from pydotorg.domain.api.resources import Resource
from pydotorg.web.errors import TASTYPIE_PLAIN_STATUSES


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


# -- request bodies and errors, added to the generated document ---------------------------------------------------
#: The write handlers read their JSON themselves (tastypie's and DRF's error formats, not Litestar's), so Litestar
#: cannot see a body type; :func:`document_api` adds each write's body and every API error to the OpenAPI document.
ERRORS = {
    400: "The body or a filter was refused: ``error_message`` (v1) or one list of messages per field (v2)",
    401: "Credentials are missing or wrong (``Authorization: ApiKey <username>:<key>`` or ``Token <key>``)",
    403: "The credentials are valid but lack the model permission the admin would require",
    404: "No such object, or not visible to these credentials",
    405: "The method is not allowed here",
    429: "Too many requests from this identity in the last hour (``Retry-After`` says when to retry)",
}


def _json(schema: Schema) -> dict[str, OpenAPIMediaType]:
    return {"application/json": OpenAPIMediaType(schema=schema)}


def _field_schema(resource: Resource, name: str, version: int) -> Schema:
    kind = resource.kind(name)
    key = resource.relations[name].column if name in resource.relations else name
    column = resource.column(key)
    description = resource.help.get(name)
    schema: Schema
    if kind == "boolean":
        schema = Schema(type=OpenAPIType.BOOLEAN, description=description)
    elif kind == "integer":
        schema = Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=2**62, description=description)
    elif kind == "datetime":
        schema = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.DATE_TIME, description=description)
    elif kind == "related":
        target = resource.relations[name].target
        style = "/api/v1/{}/<id>/" if version == 1 else "the hyperlink /api/v2/{}/<id>/"
        schema = Schema(type=OpenAPIType.STRING, description=f"The related object: {style.format(target)}")
    else:
        schema = Schema(
            type=OpenAPIType.STRING, max_length=getattr(column.type, "length", None), description=description
        )
    if column.nullable:
        schema.type = [schema.type, OpenAPIType.NULL]  # type: ignore[list-item]
    return schema


def body_schema(resource: Resource, *, version: int, partial: bool) -> Schema:
    """The JSON object a create (every required field) or a partial update (any field) sends."""
    properties: dict[str, Schema | Reference] = {
        name: _field_schema(resource, name, version) for name in resource.fields
    }
    required = []
    if not partial:
        for name in resource.fields:
            key = resource.relations[name].column if name in resource.relations else name
            column = resource.column(key)
            optional = column.nullable or column.default is not None or column.server_default is not None
            if name not in resource.defaults and not optional:
                required.append(name)
    return Schema(type=OpenAPIType.OBJECT, properties=properties, required=required or None)


def _item_schema(resource: Resource, version: int) -> Schema:
    """An object as the API sends it back (v1 times are naive ISO strings, so only v2's carry a format)."""
    properties: dict[str, Schema | Reference] = {}
    for name in resource.fields:
        schema = _field_schema(resource, name, version)
        schema.max_length = None
        if version == 1 and schema.format == OpenAPIFormat.DATE_TIME:
            schema.format = None
        properties[name] = schema
    properties["resource_uri"] = Schema(type=OpenAPIType.STRING)
    return Schema(type=OpenAPIType.OBJECT, properties=properties)


def _error_schema() -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT,
        description="v1: ``error_message`` (and ``error``/``traceback``); v2: ``detail`` or field -> messages",
        additional_properties=True,
    )


def api_operation(resource: Resource | None, version: int, method: str) -> type[Operation]:
    """The OpenAPI operation of one API route: Litestar's, plus the write's body and the API's error responses
    (Litestar builds it through a route handler's ``operation_class``)."""

    @dataclass
    class ApiOperation(Operation):
        def __post_init__(self) -> None:
            if resource is not None and method in {"POST", "PUT", "PATCH"} and self.request_body is None:
                self.request_body = RequestBody(
                    content=_json(body_schema(resource, version=version, partial=method == "PATCH")),
                    required=True,
                    description=f"A {resource.model_name} as JSON",
                )
            responses = dict(self.responses or {})
            if "204" in responses:
                responses["204"] = OpenAPIResponse(description="Deleted; no content")
            if resource is not None and method == "POST" and "201" in responses:
                # tastypie answers an empty 201 with the new object's Location; DRF sends the object back
                responses["201"] = (
                    OpenAPIResponse(description="Created; the Location header is the new object's URI")
                    if version == 1
                    else OpenAPIResponse(description="Created", content=_json(_item_schema(resource, version)))
                )
            if resource is not None and method in {"PUT", "PATCH"} and "200" in responses:
                responses["200"] = OpenAPIResponse(
                    description="Updated", content=_json(_item_schema(resource, version))
                )
            for status, text in ERRORS.items():
                if version == 1 and status in TASTYPIE_PLAIN_STATUSES:
                    # tastypie's bare HttpResponse subclasses: HTML, a short text here
                    content = {"text/html": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))}
                else:
                    content = _json(_error_schema())
                responses[str(status)] = OpenAPIResponse(description=text, content=content)
            self.responses = responses

    return ApiOperation


def document_api(routes: Any, resources: dict[str, Resource]) -> None:
    """Give every ``/api/v1/`` and ``/api/v2/`` route handler its :func:`api_operation`."""
    for route in routes:
        path = route.path
        version = 1 if path.startswith("/api/v1/") else 2 if path.startswith("/api/v2/") else 0
        if not version:
            continue
        resource = next(
            (r for r in resources.values() if (path + "/").startswith(f"/api/v{version}/{r.name}/")),
            None,
        )
        for handler in getattr(route, "route_handlers", ()):
            method = sorted(handler.http_methods)[0]
            handler.operation_class = api_operation(resource, version, method)
