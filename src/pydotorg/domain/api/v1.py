"""``/api/v1/``: the tastypie API, wire-compatible with the Django site.

Lists are ``{"meta": {limit, next, offset, previous, total_count}, "objects": [...]}`` (``limit`` default 20, 0
means the maximum of 1000, ``offset``); every object carries its ``resource_uri`` and relations are URIs. Filters
use tastypie's ``field__lookup=value`` syntax; parameters that are not fields are ignored, fields that do not
allow a filter are a 400. ``schema/`` and ``set/<id;id>/`` exist for every resource. Anyone may read (non-staff
see published rows only); writes need ``Authorization: ApiKey <user>:<key>`` of a staff user. A created object
answers 201 with a ``Location`` header.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode
from xml.etree import ElementTree

import msgspec
import yaml
from litestar import MediaType, Request, Response, Router, delete, get, post
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, NotAuthorizedException, NotFoundException
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_400_BAD_REQUEST
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import and_, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.domain.api import crud
from pydotorg.domain.api.auth import MODEL_PERM, authenticate_first, rate_identity, requires_v1_staff, v1_user
from pydotorg.domain.api.resources import (
    PATTERN_LOOKUPS,
    REGISTRY,
    InputError,
    Resource,
    coerce,
    pattern_clause,
)
from pydotorg.domain.api.schemas import responses_v1
from pydotorg.lib.forms import is_number
from pydotorg.web.ratelimit import rate_limit_per
from pydotorg.web.slash import append_slash

PREFIX = "/api/v1"
DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
RESERVED = {"format", "limit", "offset", "callback", "username", "api_key"}
ALL_LOOKUPS = {"exact", "iexact", "contains", "icontains", "startswith", "istartswith", "gt", "gte", "lt", "lte",
               "in", "isnull", "year", "month", "day", "range"}  # fmt: skip
#: tastypie's constants for ``Meta.filtering``: every lookup, and every lookup also through a relation. A tuple
#: lists the allowed lookups; python.org declares ``release_date`` as ``(ALL,)``, a tuple holding the constant,
#: which tastypie reads as a list in which no lookup name appears: every ``release_date`` filter is refused.
ALL = 1
ALL_WITH_RELATIONS = 2


def uri(name: str, pk: int) -> str:
    return f"{PREFIX}/{name}/{pk}/"


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        # tastypie's iso-8601 output: naive, in the site's time zone (UTC)
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()
    return value


def dump(resource: Resource, obj: Any) -> dict[str, Any]:
    return {key: _value(value) for key, value in crud.serialize(resource, obj, uri).items()}


def tastypie_json(body: Any, status_code: int = 200) -> Response[bytes]:
    """A body as tastypie's serializer writes it: ``json.dumps(sort_keys=True, ensure_ascii=False)`` (keys in
    alphabetical order, ``", "`` and ``": "`` between items), so clients that compare or hash bytes see Django's."""
    encoded = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    return Response(encoded, status_code=status_code, media_type=MediaType.JSON)


# -- tastypie's other formats: ?format=xml and ?format=yaml ------------------------------------------------------
def _xml_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "hash"
    return "string"


def _etree(data: Any, name: str | None = None, depth: int = 0) -> ElementTree.Element:
    """tastypie's ``Serializer.to_etree``: the top object is ``<response>``, nested objects ``<object
    type="hash">``, lists ``<objects>`` (``type="list"`` when named), children sorted by tag, and every value that is
    not a string carries its type."""
    if isinstance(data, list):
        element = ElementTree.Element(name or "objects")
        if name:
            element.set("type", "list")
        element.extend(_etree(item, depth=depth + 1) for item in data)
    elif isinstance(data, dict):
        element = ElementTree.Element(name or ("response" if depth == 0 else "object"))
        if depth:
            element.set("type", "hash")
        element.extend(sorted((_etree(v, k, depth + 1) for k, v in data.items()), key=lambda e: e.tag))
    else:
        element = ElementTree.Element(name or "value")
        kind = _xml_type(data)
        if kind != "string":
            element.set("type", kind)
        if kind != "null":
            element.text = str(data)
    return element


def to_xml(data: Any) -> bytes:
    # lxml, which tastypie used, writes empty elements as <x/>; ElementTree as <x /> (text is escaped, so " />"
    # only ever closes a tag)
    return bytes(ElementTree.tostring(_etree(data), encoding="utf-8", xml_declaration=True)).replace(b" />", b"/>")


def to_yaml(data: Any) -> bytes:
    return str(yaml.safe_dump(data, allow_unicode=True)).encode()


#: ``?format=`` -> (content type, serializer) for the formats tastypie offered besides JSON.
OTHER_FORMATS: dict[str, tuple[str, Callable[[Any], bytes]]] = {
    "xml": ("application/xml; charset=utf-8", to_xml),
    "yaml": ("text/yaml; charset=utf-8", to_yaml),
}


def other_formats(app: ASGIApp) -> ASGIApp:
    """Router middleware: a JSON answer re-serialised as tastypie's XML or YAML when ``?format=`` asks for one."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        wanted = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("format", [""])[-1]
        if scope["type"] != ScopeType.HTTP or wanted not in OTHER_FORMATS:
            await app(scope, receive, send)
            return
        start: Any = {}
        chunks: list[bytes] = []

        async def capture(message: Any) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            headers = MutableScopeHeaders(start)
            body = b"".join(chunks)
            if headers.get("content-type", "").startswith("application/json") and body:
                content_type, serialise = OTHER_FORMATS[wanted]
                body = serialise(json.loads(body))
                headers["content-type"] = content_type
                headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await app(scope, receive, capture)

    return middleware


def error(message: str, status_code: int = HTTP_400_BAD_REQUEST, **extra: Any) -> Response[Any]:
    return tastypie_json({"error": message, **extra}, status_code)


def input_error(resource: Resource, exc: InputError) -> Response[Any]:
    """Model validation errors: 400 with ``error_message`` (what release tooling prints) and the field errors."""
    summary = "; ".join(f"{field}: {message}" for field, message in exc.errors.items())
    body = {
        "error_message": summary,
        "traceback": "",
        resource.model_name: {field: [message] for field, message in exc.errors.items()},
    }
    return tastypie_json(body, HTTP_400_BAD_REQUEST)


def _clause(resource: Resource, field: str, lookup: str, raw: str) -> Any:
    column = resource.column(field)
    if lookup == "isnull":
        return column.is_(None) if raw.lower() in {"true", "1"} else column.is_not(None)
    if lookup in {"year", "month", "day"}:
        try:
            number = int(raw)
        except ValueError:
            raise InputError({field: f"Invalid {lookup} {raw!r}."}) from None
        return extract(lookup, column) == number
    if lookup == "in":
        return column.in_([coerce(resource, field, item) for item in raw.split(",")])
    if lookup == "range":
        low, _, high = raw.partition(",")
        return and_(column >= coerce(resource, field, low), column <= coerce(resource, field, high))
    if lookup in PATTERN_LOOKUPS:
        return pattern_clause(column, lookup, raw)
    value = coerce(resource, field, raw)
    operations: dict[str, Callable[[], Any]] = {
        "exact": lambda: column == value,
        "iexact": lambda: func.lower(column) == str(value).lower(),
        "gt": lambda: column > value,
        "gte": lambda: column >= value,
        "lt": lambda: column < value,
        "lte": lambda: column <= value,
    }
    return operations[lookup]()


def filters(resource: Resource, params: Any) -> list[Any]:
    """tastypie's ``build_filters`` for the query string; raises ``InputError`` for a refused filter."""
    clauses: list[Any] = []
    for key, raw in params.multi_items():
        if key in RESERVED:
            continue
        if key == "order_by":
            raise InputError({"__all__": f"The '{raw}' field does not allow ordering."})
        bits = key.split("__")
        field = bits[0]
        if field not in resource.fields:
            continue  # tastypie ignores parameters that are not fields
        declared = resource.v1_filtering.get(field)
        if declared is None:
            raise InputError({"__all__": f"The '{field}' field does not allow filtering."})
        if field in resource.relations:
            clauses.append(_relation_clause(resource, field, bits[1:], str(raw)))
            continue
        lookup = bits[1] if len(bits) > 1 else "exact"
        if not lookup_allowed(declared, lookup):
            raise InputError({"__all__": f"'{lookup}' is not an allowed filter on the '{field}' field."})
        clauses.append(_clause(resource, field, lookup, str(raw)))
    return clauses


def lookup_allowed(declared: int | tuple[Any, ...], lookup: str) -> bool:
    """tastypie's ``check_filtering``: ALL and ALL_WITH_RELATIONS allow any lookup (of those we build), a tuple
    only the lookups it names."""
    if isinstance(declared, int):
        return declared in (ALL, ALL_WITH_RELATIONS) and lookup in ALL_LOOKUPS
    return lookup in declared and lookup in ALL_LOOKUPS


def _relation_clause(resource: Resource, field: str, rest: list[str], raw: str) -> Any:
    relation = resource.relations[field]
    column = resource.column(relation.column)
    target = REGISTRY[relation.target]
    if not rest or rest in (["exact"], ["id"], ["pk"]):
        pk = raw.rstrip("/").rsplit("/", 1)[-1]
        if not is_number(pk):
            raise InputError({"__all__": f"Invalid resource lookup data provided (mismatched type): {raw!r}."})
        return column == int(pk)
    target_field = rest[0]
    lookup = rest[1] if len(rest) > 1 else "exact"
    if target_field not in target.fields or target_field in target.relations:
        raise InputError({"__all__": f"Lookups are not allowed more than one level deep on the '{field}' field."})
    declared = target.v1_filtering.get(target_field)
    if resource.v1_filtering.get(field) != ALL_WITH_RELATIONS or declared is None:
        raise InputError({"__all__": f"Lookups are not allowed more than one level deep on the '{field}' field."})
    if not lookup_allowed(declared, lookup):
        raise InputError({"__all__": f"'{lookup}' is not an allowed filter on the '{target_field}' field."})
    model: Any = target.model
    return column.in_(select(model.id).where(_clause(target, target_field, lookup, raw)))


def _int_param(params: Any, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        # tastypie's Paginator words the two differently
        wanted = "a positive integer" if name == "limit" else "an integer"
        raise InputError({"__all__": f"Invalid {name} '{raw}' provided. Please provide {wanted}."}) from None
    if value < 0:
        raise InputError({"__all__": f"Invalid {name} '{raw}' provided. Please provide a positive integer >= 0."})
    return value


def _page_uri(resource: Resource, params: Any, limit: int, offset: int) -> str:
    kept = [(k, v) for k, v in params.multi_items() if k not in {"limit", "offset"}]
    return f"{PREFIX}/{resource.name}/?{urlencode([*kept, ('limit', limit), ('offset', offset)])}"


def schema_needs_staff(resource: Resource) -> bool:
    if not resource.published_only:
        return False
    default = resource.column("is_published").default
    return not (default is not None and getattr(default, "arg", None) is True)


#: tastypie's help text for a field whose model field has none, by the field's type.
TASTYPIE_HELP = {
    "string": 'Unicode string data. Ex: "Hello World"',
    "integer": "Integer data. Ex: 2673",
    "boolean": "Boolean data. Ex: True",
    "datetime": 'A date & time as a string. Ex: "2010-11-10T03:07:43"',
    "related": "A single related resource. Can be either a URI or set of nested resource data.",
}
#: What tastypie shows as the default of a field that has none (str(NOT_PROVIDED)).
NO_DEFAULT = "No default provided."


def _schema_default(column: Any) -> Any:
    default = column.default
    if default is None or getattr(default, "is_callable", False) or getattr(default, "is_clause_element", False):
        return NO_DEFAULT  # a callable default (now, a new slug) has no fixed value to show
    return getattr(default, "arg", NO_DEFAULT)


def schema(resource: Resource) -> dict[str, Any]:
    """tastypie's ``build_schema``: per field its default, type, nullable, blank, readonly, help text, unique,
    primary_key and verbose name (the related ones with their type and schema)."""
    fields: dict[str, Any] = {}
    for name in [*resource.fields, "resource_uri"]:
        if name == "resource_uri":
            fields[name] = {
                "blank": False,
                "default": "",
                "help_text": TASTYPIE_HELP["string"],
                "nullable": False,
                "primary_key": False,
                "readonly": True,
                "type": "string",
                "unique": False,
                "verbose_name": "resource uri",
            }
            continue
        key = resource.relations[name].column if name in resource.relations else name
        column = resource.column(key)
        kind = resource.kind(name)
        fields[name] = {
            "blank": not (not column.nullable and column.default is None and column.server_default is None),
            "default": _schema_default(column),
            "help_text": resource.help.get(name) or TASTYPIE_HELP[kind],
            "nullable": bool(column.nullable),
            "primary_key": False,
            "readonly": False,
            "type": kind,
            "unique": bool(column.unique),
            "verbose_name": name.replace("_", " "),
        }
        if name in resource.relations:
            fields[name]["related_type"] = "to_one"
            fields[name]["related_schema"] = f"{PREFIX}/{resource.relations[name].target}/schema/"
    return {
        "allowed_detail_http_methods": ["get", "delete"],
        "allowed_list_http_methods": ["get", "post", *(["delete"] if resource.v1_list_delete else [])],
        "default_format": "application/json",
        "default_limit": DEFAULT_LIMIT,
        "fields": fields,
        # tastypie shows Meta.filtering as declared: lookup lists, or the ALL / ALL_WITH_RELATIONS constants
        "filtering": {
            name: declared if isinstance(declared, int) else list(declared)
            for name, declared in resource.v1_filtering.items()
        },
    }


def make_router(resource: Resource) -> Router:  # noqa: PLR0915 - one resource's route table
    """The routes of one tastypie resource."""

    async def staff(request: Request[Any, Any, Any]) -> bool:
        user = await v1_user(request)
        return bool(user and user.is_staff)

    async def list_objects(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        try:
            limit = _int_param(request.query_params, "limit", DEFAULT_LIMIT) or MAX_LIMIT
            limit = min(limit, MAX_LIMIT)
            offset = _int_param(request.query_params, "offset", 0)
            query = crud.base_query(resource, staff=await staff(request)).where(
                *filters(resource, request.query_params)
            )
        except InputError as exc:
            return error(next(iter(exc.errors.values())))
        total = int((await db_session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
        rows = (await db_session.execute(crud.lean(resource, query).offset(offset).limit(limit))).all()
        params = request.query_params
        meta = {
            "limit": limit,
            "next": _page_uri(resource, params, limit, offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": _page_uri(resource, params, limit, max(offset - limit, 0)) if offset > 0 else None,
            "total_count": total,
        }
        return tastypie_json({"meta": meta, "objects": [dump(resource, row) for row in rows]})

    async def create(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        try:
            data = msgspec.json.decode(await request.body())
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:  # bad syntax, bad UTF-8, too deep
            return error(f"Malformed JSON: {exc}")
        if isinstance(data, dict) and ("username" in data or "api_key" in data):
            return Response(b"", status_code=401, media_type=MediaType.HTML)
        try:
            row = await crud.apply(db_session, resource, data, None, partial=False)
        except InputError as exc:
            return input_error(resource, exc)
        if resource.before_commit is not None:
            await resource.before_commit(db_session, row)
        await db_session.commit()
        location = str(request.base_url).rstrip("/") + uri(resource.name, row.id)
        return Response(b"", status_code=HTTP_201_CREATED, headers={"Location": location})

    async def delete_list(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[None]:
        values = request.query_params.getall("release", [])
        if len(values) != 1 or not is_number(str(values[0])):
            raise ClientException("Deleting release files needs exactly one 'release' parameter (a release id).")
        model: Any = resource.model
        rows = (await db_session.execute(select(model).where(model.release_id == int(values[0])))).scalars().all()
        for row in rows:
            await db_session.delete(row)
        if resource.before_commit is not None and rows:
            await resource.before_commit(db_session, rows[0])
        await db_session.commit()
        return Response(None, status_code=HTTP_204_NO_CONTENT)

    async def show_schema(request: Request[Any, Any, Any]) -> Response[Any]:
        if schema_needs_staff(resource) and not await staff(request):
            # tastypie's get_schema asks the authorization to read an empty object: python.org's
            # OnlyPublishedAuthorization refuses a non-staff caller one that is unpublished by default (a release)
            raise NotAuthorizedException("The schema of this resource needs the API key of a staff user.")
        return tastypie_json(schema(resource))

    async def show_set(request: Request[Any, Any, Any], ids: str, db_session: AsyncSession) -> Response[Any]:
        wanted = [part for part in ids.split(";") if part]
        if not wanted or not all(is_number(part) for part in wanted) or len(wanted) > MAX_LIMIT:
            return error(f"Invalid id list {ids!r}: use set/<id>;<id>/.")
        model: Any = resource.model
        query = crud.base_query(resource, staff=await staff(request)).where(model.id.in_([int(p) for p in wanted]))
        found = {row.id: row for row in (await db_session.execute(query)).scalars()}
        body: dict[str, Any] = {"objects": [dump(resource, found[int(p)]) for p in wanted if int(p) in found]}
        missing = [p for p in wanted if int(p) not in found]
        if missing:
            body["not_found"] = missing
        return tastypie_json(body)

    async def detail(request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Response[Any]:
        row = await crud.fetch(db_session, resource, pk, staff=await staff(request))
        if row is None:
            raise NotFoundException()
        return tastypie_json(dump(resource, row))

    async def delete_detail(request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Response[None]:
        row = await crud.fetch(db_session, resource, pk, staff=True)
        if row is None:
            raise NotFoundException()
        await db_session.delete(row)
        if resource.before_commit is not None:
            await resource.before_commit(db_session, row)
        await db_session.commit()
        return Response(None, status_code=HTTP_204_NO_CONTENT)

    name = resource.name.replace("/", "_")
    table = resource.model.__tablename__
    list_responses, detail_responses = responses_v1(resource)
    handlers: list[Any] = [
        get("/", name=f"api_v1:{name}:list", summary=f"List {resource.name}", cache=True, responses=list_responses)(
            list_objects
        ),
        post(
            "/",
            name=f"api_v1:{name}:create",
            guards=[requires_v1_staff],
            opt={MODEL_PERM: table},
            summary=f"Create a {resource.model_name} (staff API key)",
        )(create),
        get("/schema/", name=f"api_v1:{name}:schema", summary="tastypie schema")(show_schema),
        get("/set/{ids:str}/", name=f"api_v1:{name}:set", summary="Several objects by id: set/1;2;3/")(show_set),
        get(
            "/{pk:int}/",
            name=f"api_v1:{name}:detail",
            summary=f"One {resource.model_name}",
            cache=True,
            responses=detail_responses,
        )(detail),
        delete(
            "/{pk:int}/",
            name=f"api_v1:{name}:delete",
            guards=[requires_v1_staff],
            opt={MODEL_PERM: table},
            status_code=HTTP_204_NO_CONTENT,
            summary=f"Delete a {resource.model_name} (staff API key)",
        )(delete_detail),
    ]
    if resource.v1_list_delete:
        handlers.append(
            delete(
                "/",
                name=f"api_v1:{name}:delete_list",
                guards=[requires_v1_staff],
                opt={MODEL_PERM: table},
                status_code=HTTP_204_NO_CONTENT,
                summary="Delete every file of one release: ?release=<id> (staff API key)",
            )(delete_list)
        )
    return Router(path=f"/{resource.name}", route_handlers=handlers, tags=["API v1 (tastypie)"])


async def root() -> Response[Any]:
    """tastypie's top level: every resource with its list and schema URIs."""
    body = {
        name: {"list_endpoint": f"{PREFIX}/{name}/", "schema": f"{PREFIX}/{name}/schema/"} for name in sorted(REGISTRY)
    }
    return tastypie_json(body)


def build_router() -> Router:
    controllers = [make_router(resource) for resource in sorted(REGISTRY.values(), key=lambda r: r.name)]
    return Router(
        path=PREFIX,
        route_handlers=[get("/", name="api_v1:root", tags=["API v1 (tastypie)"])(root), *controllers],
        before_request=append_slash,
        middleware=[
            other_formats,
            authenticate_first(v1_user),
            rate_limit_per("apiv1", "api_v1_rate_limit", rate_identity).middleware,
        ],
    )
