"""``/api/v2/``: the Django REST framework API, wire-compatible with the Django site.

Lists are bare JSON arrays of every row (no pagination); ``resource_uri`` and relations are absolute
hyperlinks. ``Authorization: Token <key>`` authenticates; anyone may read (non-staff see published rows only),
staff may write (POST, PUT, PATCH, DELETE). Unknown query parameters are a 400 on pages and release files and
ignored on releases, as on the Django site. Detail URLs also answer with DRF's ``.json`` suffix.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import MediaType, Request, Response, Router, delete, get, patch, post, put
from litestar.exceptions import ClientException, NotFoundException
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT, HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.domain.api import crud
from pydotorg.domain.api.auth import MODEL_PERM, authenticate_first, rate_identity, requires_v2_staff, v2_user
from pydotorg.domain.api.resources import (
    PATTERN_LOOKUPS,
    REGISTRY,
    InputError,
    Resource,
    coerce,
    pattern_clause,
)
from pydotorg.domain.api.schemas import responses_v2
from pydotorg.lib.forms import is_number
from pydotorg.web.ratelimit import rate_limit_per
from pydotorg.web.slash import append_slash

PREFIX = "/api/v2"
NO_SLASH: dict[str, Any] = {"append_slash": False}


#: DRF's ``http_method_names`` order, in which its ``Allow`` header lists a view's methods.
DRF_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def drf_allow(methods: set[str]) -> str:
    """DRF's ``Allow`` header: the view's methods in its order, HEAD with GET, OPTIONS always."""
    wanted = {m.upper() for m in methods} | {"OPTIONS"}
    if "GET" in wanted:
        wanted.add("HEAD")
    return ", ".join(m for m in DRF_METHOD_ORDER if m in wanted)


def _with_allow(methods: set[str]) -> Any:
    header = drf_allow(methods)

    async def add(response: Response[Any]) -> Response[Any]:
        response.headers["Allow"] = header
        return response

    return add


def check_format(request: Request[Any, Any, Any]) -> None:
    """DRF's content negotiation: ``?format=`` names a renderer, and python.org's API has only JSON (no browsable
    API), so any other format is DRF's 404."""
    wanted = request.query_params.get("format")
    if wanted is not None and wanted != "json":
        raise NotFoundException("Not found.")


def _absolute(request: Request[Any, Any, Any]) -> Any:
    """Hyperlinks as DRF's ``reverse``: with the request's ``.json`` suffix (``format_suffix_patterns``), or with its
    ``?format=`` kept (``preserve_builtin_query_params``)."""
    base = str(request.base_url).rstrip("/")
    if request.url.path.endswith(".json"):
        return lambda name, pk: f"{base}{PREFIX}/{name}/{pk}.json"
    wanted = request.query_params.get("format")
    if wanted is not None:
        query = urlencode({"format": wanted})
        return lambda name, pk: f"{base}{PREFIX}/{name}/{pk}/?{query}"
    return lambda name, pk: f"{base}{PREFIX}/{name}/{pk}/"


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        text = value.astimezone(datetime.UTC).isoformat()
        return text.replace("+00:00", "Z")  # DRF writes UTC as Z
    return value


def dump(resource: Resource, obj: Any, uri: Any) -> dict[str, Any]:
    return {key: _value(value) for key, value in crud.serialize(resource, obj, uri).items()}


def dump_rows(resource: Resource, rows: Sequence[Any], uri: Any) -> list[dict[str, Any]]:
    """:func:`dump` of every :func:`crud.lean` row, by position (a list of 400 releases is the API's hot path)."""
    plan = crud.row_plan(resource)
    name = resource.name
    found: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {}
        for field, index, target, moment in plan:
            value = row[index]
            if target is not None:
                value = uri(target, value) if value is not None else None
            elif moment and value is not None and value.tzinfo is not datetime.UTC:
                value = _value(value)  # a UTC date-time is left to the JSON encoder, which writes the same (Z)
            item[field] = value
        item["resource_uri"] = uri(name, row[0])
        found.append(item)
    return found


def bad_request(errors: dict[str, Any]) -> Response[Any]:
    """DRF's 400: ``{"detail": ...}`` for a body that is not JSON, field errors as lists otherwise."""
    if "detail" in errors:
        return Response({"detail": errors["detail"]}, status_code=HTTP_400_BAD_REQUEST, media_type=MediaType.JSON)
    body = {
        ("non_field_errors" if key == "__all__" else key): (v if isinstance(v, list) else [v])
        for key, v in errors.items()
    }
    return Response(body, status_code=HTTP_400_BAD_REQUEST, media_type=MediaType.JSON)


def refused_filter(param: str) -> str:
    """python.org's ``BaseFilterSet`` message for a query parameter that is not one of its filters."""
    parts = param.split("__")
    field, lookup = (param, "exact") if len(parts) == 1 else ("__".join(parts[:-1]), parts[-1])
    return f"{lookup!r} is not an allowed filter on the {field!r} field."


def filters(resource: Resource, params: Any) -> list[Any]:
    """django-filter's filters. Pages and release files refuse every other parameter (python.org's
    ``BaseFilterSet``, which sees ``format`` too); releases and OSes ignore them."""
    if resource.v2_strict_filters:
        unknown = sorted({key for key in params if key not in resource.v2_filters})
        if unknown:
            raise InputError({"error": [refused_filter(key) for key in unknown]})
    clauses: list[Any] = []
    for key, raw in params.multi_items():
        if key not in resource.v2_filters:
            continue
        field, lookup = resource.v2_filters[key]
        if field in resource.relations:
            relation = resource.relations[field]
            if not is_number(str(raw)):
                raise InputError({key: "Select a valid choice. That choice is not one of the available choices."})
            clauses.append(resource.column(relation.column) == int(raw))
            continue
        column = resource.column(field)
        if lookup in PATTERN_LOOKUPS:
            clauses.append(pattern_clause(column, lookup, str(raw)))
            continue
        try:
            value = coerce(resource, field, raw)
        except InputError as exc:
            raise InputError({key: next(iter(exc.errors.values()))}) from None
        clauses.append(column == value)
    return clauses


def _pk(raw: str) -> int:
    text = raw.removesuffix(".json")
    if not is_number(text):
        raise NotFoundException()
    return int(text)


def make_router(resource: Resource) -> Router:  # noqa: PLR0915 - one resource's route table
    async def staff(request: Request[Any, Any, Any]) -> bool:
        user = await v2_user(request)
        return bool(user and user.is_staff)

    async def list_objects(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        check_format(request)
        try:
            query = crud.base_query(resource, staff=await staff(request)).where(
                *filters(resource, request.query_params)
            )
        except InputError as exc:
            if "error" in exc.errors:
                return Response({"error": exc.errors["error"]}, status_code=400, media_type=MediaType.JSON)
            return bad_request(exc.errors)
        uri = _absolute(request)
        rows = (await db_session.execute(crud.lean(resource, query))).all()
        return Response(dump_rows(resource, rows, uri), media_type=MediaType.JSON)

    async def detail(request: Request[Any, Any, Any], pk: str, db_session: AsyncSession) -> Response[Any]:
        check_format(request)
        row = await crud.fetch(db_session, resource, _pk(pk), staff=await staff(request))
        if row is None:
            raise NotFoundException(f"No {resource.model.__name__} matches the given query.")
        return Response(dump(resource, row, _absolute(request)), media_type=MediaType.JSON)

    async def _decode(request: Request[Any, Any, Any]) -> Any:
        try:
            return msgspec.json.decode(await request.body())
        except (msgspec.DecodeError, UnicodeDecodeError, RecursionError) as exc:  # bad syntax, bad UTF-8, too deep
            raise InputError({"detail": f"JSON parse error - {exc}"}) from None

    async def create(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        try:
            row = await crud.apply(db_session, resource, await _decode(request), None, partial=False)
        except InputError as exc:
            return bad_request(exc.errors)
        if resource.before_commit is not None:
            await resource.before_commit(db_session, row)
        await db_session.commit()
        body = dump(resource, row, _absolute(request))
        return Response(
            body, status_code=HTTP_201_CREATED, media_type=MediaType.JSON, headers={"Location": body["resource_uri"]}
        )

    async def _update(
        request: Request[Any, Any, Any], pk: str, db_session: AsyncSession, *, partial: bool
    ) -> Response[Any]:
        row = await crud.fetch(db_session, resource, _pk(pk), staff=True)
        if row is None:
            raise NotFoundException(f"No {resource.model.__name__} matches the given query.")
        try:
            data = await _decode(request)
            if not partial and isinstance(data, dict):
                missing = [name for name in resource.fields if name not in data and _required(resource, name)]
                if missing:
                    raise InputError(dict.fromkeys(missing, "This field is required."))
            row = await crud.apply(db_session, resource, data, row, partial=partial)
        except InputError as exc:
            return bad_request(exc.errors)
        if resource.before_commit is not None:
            await resource.before_commit(db_session, row)
        await db_session.commit()
        return Response(dump(resource, row, _absolute(request)), media_type=MediaType.JSON)

    async def replace(request: Request[Any, Any, Any], pk: str, db_session: AsyncSession) -> Response[Any]:
        return await _update(request, pk, db_session, partial=False)

    async def modify(request: Request[Any, Any, Any], pk: str, db_session: AsyncSession) -> Response[Any]:
        return await _update(request, pk, db_session, partial=True)

    async def remove(request: Request[Any, Any, Any], pk: str, db_session: AsyncSession) -> Response[None]:
        row = await crud.fetch(db_session, resource, _pk(pk), staff=True)
        if row is None:
            raise NotFoundException(f"No {resource.model.__name__} matches the given query.")
        await db_session.delete(row)
        if resource.before_commit is not None:
            await resource.before_commit(db_session, row)
        await db_session.commit()
        return Response(None, status_code=HTTP_204_NO_CONTENT)

    async def delete_by_release(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[None]:
        raw = request.query_params.get("release")
        if raw is None:
            raise ClientException("The 'release' query parameter is required.")
        if not is_number(str(raw)):
            raise ClientException("The 'release' query parameter must be an integer (a release id).")
        model: Any = resource.model
        rows = (await db_session.execute(select(model).where(model.release_id == int(raw)))).scalars().all()
        for row in rows:
            await db_session.delete(row)
        if resource.before_commit is not None and rows:
            await resource.before_commit(db_session, rows[0])
        await db_session.commit()
        return Response(None, status_code=HTTP_204_NO_CONTENT)

    basename = resource.v2_basename or resource.model_name
    list_responses, detail_responses = responses_v2(resource)
    writes = resource.v2_writable
    list_allow = _with_allow({"GET", "POST"} if writes else {"GET"})
    detail_allow = _with_allow({"GET", "PUT", "PATCH", "DELETE"} if writes else {"GET"})
    handlers: list[Any] = [
        get(
            "/",
            name=f"{basename}-list",
            summary=f"List every {resource.model_name}",
            cache=True,
            responses=list_responses,
            after_request=list_allow,
        )(list_objects),
        get(
            "/{pk:str}",
            name=f"{basename}-detail",
            summary=f"One {resource.model_name}",
            opt=NO_SLASH,
            cache=True,
            responses=detail_responses,
            after_request=detail_allow,
        )(detail),
    ]
    if resource.v2_writable:
        guard = [requires_v2_staff]
        perm = {MODEL_PERM: resource.model.__tablename__}
        handlers += [
            post(
                "/",
                name=f"{basename}-create",
                summary=f"Create a {resource.model_name} (staff token)",
                guards=guard,
                opt=perm,
                after_request=list_allow,
            )(create),
            put(
                "/{pk:str}",
                name=f"{basename}-update",
                summary="Replace (staff token)",
                guards=guard,
                opt=perm,
                after_request=detail_allow,
            )(replace),
            patch(
                "/{pk:str}",
                name=f"{basename}-partial-update",
                summary="Update some fields (staff token)",
                guards=guard,
                opt=perm,
                after_request=detail_allow,
            )(modify),
            delete(
                "/{pk:str}",
                name=f"{basename}-destroy",
                status_code=HTTP_204_NO_CONTENT,
                summary="Delete (staff token)",
                guards=guard,
                opt=perm,
                after_request=detail_allow,
            )(remove),
        ]
    if resource.name == "downloads/release_file":
        handlers.append(
            delete(
                ["/delete_by_release/", "/delete_by_release.json"],
                name="release_file-delete-by-release",
                guards=[requires_v2_staff],
                opt={MODEL_PERM: resource.model.__tablename__},
                status_code=HTTP_204_NO_CONTENT,
                summary="Delete every file of ?release=<id> (staff token)",
                after_request=_with_allow({"DELETE"}),
            )(delete_by_release)
        )
    # DRF's format suffix on the list: /api/v2/downloads/release.json (the detail's is handled by _pk)
    suffixed = get(
        f"/{resource.model_name}.json",
        name=f"{basename}-list-json",
        opt=NO_SLASH,
        include_in_schema=False,
        cache=True,
        after_request=list_allow,
    )(list_objects)
    app_label = resource.name.split("/", 1)[0]
    return Router(
        path=f"/{app_label}",
        route_handlers=[
            Router(path=f"/{resource.model_name}", route_handlers=handlers),
            suffixed,
        ],
        tags=["API v2 (REST framework)"],
    )


def _required(resource: Resource, name: str) -> bool:
    key = resource.relations[name].column if name in resource.relations else name
    column = resource.column(key)
    return not column.nullable and column.default is None and column.server_default is None


async def root(request: Request[Any, Any, Any]) -> Response[Any]:
    """DRF's ``DefaultRouter`` root: every list endpoint by name (``/api/v2/.json`` too: links with the suffix)."""
    check_format(request)
    base = str(request.base_url).rstrip("/")
    if request.url.path.endswith(".json"):
        body = {name: f"{base}{PREFIX}/{name}.json" for name in sorted(REGISTRY)}
    else:
        wanted = request.query_params.get("format")
        query = f"?{urlencode({'format': wanted})}" if wanted is not None else ""
        body = {name: f"{base}{PREFIX}/{name}/{query}" for name in sorted(REGISTRY)}
    return Response(body, media_type=MediaType.JSON, headers={"Allow": drf_allow({"GET"})})


def build_router() -> Router:
    controllers = [make_router(resource) for resource in sorted(REGISTRY.values(), key=lambda r: r.name)]
    return Router(
        path=PREFIX,
        route_handlers=[
            get("/", name="api-root", tags=["API v2 (REST framework)"])(root),
            get("/.json", name="api-root-json", opt=NO_SLASH, include_in_schema=False)(root),
            *controllers,
        ],
        before_request=append_slash,
        middleware=[
            authenticate_first(v2_user),
            rate_limit_per("apiv2", "api_v2_rate_limit", rate_identity).middleware,
        ],
    )
