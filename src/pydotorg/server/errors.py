"""Error pages and the fallbacks that run when no route serves a path.

Django's order is kept: a route, then a CMS page at that path (``PageFallbackMiddleware``), then the redirects
table (301, or 410 when the target is empty), then the legacy rules nginx served (``domain/redirects/legacy.py``),
then the 404 page (``Cache-Control: max-age=300``). API paths get
JSON errors. A 500 never shows a traceback.

Litestar's exception handlers are synchronous, so the 404 handler returns a response whose ASGI part does the
(asynchronous) database lookups when it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from asyncpg.exceptions import (
    AdminShutdownError,
    CannotConnectNowError,
    ConnectionDoesNotExistError,
    CrashShutdownError,
    PostgresConnectionError,
)
from asyncpg.exceptions import DataError as AsyncpgDataError
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.response import Redirect, Template
from litestar.response.base import ASGIResponse
from litestar.status_codes import (
    HTTP_302_FOUND,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_410_GONE,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from litestar.types import Receive, Scope, Send
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from pydotorg.db.models.pages import RAW_TEMPLATE
from pydotorg.domain.api.v2 import drf_allow
from pydotorg.domain.pages.queries import MAX_PATH_LENGTH, PageView, find_page, find_redirect
from pydotorg.domain.redirects.legacy import find_legacy_redirect
from pydotorg.domain.users.auth import ensure_user
from pydotorg.lib.errors import ConflictError, DomainError, ForbiddenError, InvalidError, NotFoundError
from pydotorg.web.cache import cms_cache_key, cms_cache_lookup, cms_cache_store
from pydotorg.web.errors import json_error, viewer_is_staff, wants_json
from pydotorg.web.fragments import fragment
from pydotorg.web.site_content import ensure_site_content

logger = logging.getLogger(__name__)

NOT_FOUND_CACHE_CONTROL = "max-age=300"
LOGIN_URL = "/accounts/login/"
ADMIN_LOGIN_URL = "/admin/login/"
#: The message of Litestar's CSRF middleware.
CSRF_FAILURE_DETAIL = "CSRF token verification failed"


def not_found_page(request: Request[Any, Any, Any], message: str = "") -> Response[Any]:
    # An API path that no route matches is any other unknown URL, as on the Django site (tastypie's and DRF's
    # URL patterns do not match it, the CMS fallback answers 404): the HTML page. A route's own 404 is the API's.
    if wants_json(request) and "route_handler" in request.scope:
        return json_error(HTTP_404_NOT_FOUND, "Not found.", path=request.url.path)
    quoted = request.url.path
    return Template(
        template_name="404.html",
        context={
            "legacy_path": f"http://legacy.python.org{quoted}",
            "download_path": "/downloads/",
            "doc_path": "/doc/",
            "pypi_path": "https://pypi.org/",
            "message": message,
        },
        status_code=HTTP_404_NOT_FOUND,
        headers={"Cache-Control": NOT_FOUND_CACHE_CONTROL},
        media_type=MediaType.HTML,
    )


async def resolve_fallback(request: Request[Any, Any, Any]) -> Response[Any]:
    """What to send for a path no route serves (GET and HEAD): a CMS page, a redirect, or the 404 page."""
    path = request.url.path
    if "\x00" in path or len(path) > MAX_PATH_LENGTH:
        # Neither can name a page or a redirect (and PostgreSQL refuses NUL in text): answer 404 at once.
        await ensure_site_content(request)
        return not_found_page(request)
    state = request.app.state
    cache_key = cms_cache_key(request)
    if cache_key is not None and (cached := await cms_cache_lookup(request, cache_key)) is not None:
        return cached
    await ensure_user(request)
    staff = viewer_is_staff(request)
    async with state.db_config.get_session() as session:

        async def build() -> PageView | None:
            return await find_page(session, path, include_drafts=staff)

        # Staff may see drafts: looked up for them and never kept. A path that is no page is not kept either.
        page = await fragment(request, f"cms:page:{path}", build, keep=not staff)
        if page is not None:
            if not path.endswith("/"):
                query = request.url.query
                location = f"{request.base_url}".rstrip("/") + path + "/" + (f"?{query}" if query else "")
                return Redirect(location, status_code=301)
            await ensure_site_content(request)
            # Django's PageView answers with the page's content type exactly as stored ("text/html")
            exact = {"content-type": page.content_type or MediaType.HTML}
            if page.template_name == RAW_TEMPLATE:
                return Response(page.content, media_type=page.content_type or MediaType.HTML, headers=exact)
            context = {"page": page, "in_pages_app": True, "is_staff": staff}
            engine = request.app.template_engine
            if cache_key is None or engine is None:
                return Template(
                    template_name=page.template,
                    context=context,
                    media_type=page.content_type or MediaType.HTML,
                    headers=exact,
                )
            # Anonymous readers share one rendering, kept in the origin cache.
            body = engine.get_template(page.template).render(**context, request=request)
            return await cms_cache_store(request, cache_key, page.content_type or MediaType.HTML, body)
        full_path = path + (f"?{request.url.query}" if request.url.query else "")
        target = await find_redirect(session, full_path)
        legacy = None if target is not None else await find_legacy_redirect(session, path, request.url.query)
    if target is not None:
        if target.gone:
            await ensure_site_content(request)
            return Template(template_name="410.html", status_code=HTTP_410_GONE, media_type=MediaType.HTML)
        return Redirect(target.new_path, status_code=301)
    if legacy is not None:
        return Redirect(legacy.location, status_code=legacy.status_code)
    await ensure_site_content(request)
    return not_found_page(request)


Resolver = Callable[[Request[Any, Any, Any]], Awaitable[Response[Any]]]


class _DeferredASGIResponse(ASGIResponse):
    """Decides what to send (with database access) when it is sent, then sends that."""

    def __init__(self, request: Request[Any, Any, Any], resolve: Resolver, type_encoders: Any) -> None:
        super().__init__(body=b"", status_code=HTTP_404_NOT_FOUND)
        self._request = request
        self._resolve = resolve
        self._type_encoders = type_encoders

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = self._request
        try:
            response = await self._resolve(request)
        except Exception:
            logger.exception("404 handling failed for %s", request.url.path)
            response = server_error_response(request)
        asgi = response.to_asgi_response(app=None, request=request, type_encoders=self._type_encoders)
        await asgi(scope, receive, send)


class DeferredResponse(Response[None]):
    def __init__(self, resolve: Resolver) -> None:
        super().__init__(content=None, status_code=HTTP_404_NOT_FOUND)
        self._resolve = resolve

    def to_asgi_response(self, app: Any, request: Request[Any, Any, Any], **kwargs: Any) -> ASGIResponse:
        return _DeferredASGIResponse(request, self._resolve, kwargs.get("type_encoders"))


async def render_not_found(request: Request[Any, Any, Any], message: str = "") -> Response[Any]:
    """The 404 page for a path a route matched but whose object does not exist (e.g. an unknown box), with the
    route's own message when it gave one ("Nominations for ... have closed.")."""
    await ensure_site_content(request)
    return not_found_page(request, message)


def not_found_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if wants_json(request) and "route_handler" in request.scope:
        detail = exc.detail if isinstance(exc, HTTPException) else "Not found."
        return json_error(HTTP_404_NOT_FOUND, detail or "Not found.", path=request.url.path)
    if "route_handler" not in request.scope and request.method in {"GET", "HEAD"}:
        return DeferredResponse(resolve_fallback)
    detail = exc.detail if isinstance(exc, HTTPException) else ""
    message = "" if detail in ("", "Not Found", "Not found.") else detail
    return DeferredResponse(lambda req: render_not_found(req, message))


#: asyncpg's errors for a server that is gone, shutting down or not yet accepting connections.
_UNREACHABLE_DRIVER_ERRORS = (
    PostgresConnectionError,
    CannotConnectNowError,
    AdminShutdownError,
    CrashShutdownError,
    ConnectionDoesNotExistError,
)
#: Seconds a client is asked to wait before retrying while the database is unavailable.
RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot be reached, rather than a bug or bad input: a
    refused or reset connection, a connect or pool timeout, a server restarting or shutting down."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, (*_UNREACHABLE_DRIVER_ERRORS, PoolTimeoutError, ConnectionError, TimeoutError)):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def unavailable_response(request: Request[Any, Any, Any]) -> Response[Any]:
    """A 503 that a balancer, a CDN and a person all understand: try again shortly. Never cached."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if wants_json(request):
        response = json_error(HTTP_503_SERVICE_UNAVAILABLE, "The service is temporarily unavailable.")
        response.headers.update(headers)
        return response
    return Template(
        template_name="503.html", status_code=HTTP_503_SERVICE_UNAVAILABLE, media_type=MediaType.HTML, headers=headers
    )


def server_error_response(request: Request[Any, Any, Any]) -> Response[Any]:
    if wants_json(request):
        return json_error(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error")
    # The 500 page is self-contained: no box, menu or database access that could fail again.
    return Template(template_name="500.html", status_code=HTTP_500_INTERNAL_SERVER_ERROR, media_type=MediaType.HTML)


#: How each kind of domain error answers over HTTP.
DOMAIN_STATUS: dict[type[DomainError], type[HTTPException]] = {
    NotFoundError: NotFoundException,
    ConflictError: type("ConflictException", (ClientException,), {"status_code": HTTP_409_CONFLICT}),
    InvalidError: ClientException,
    ForbiddenError: PermissionDeniedException,
}


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """A rule's refusal, answered as the HTTP error of its kind (409 for a wrong state, ...)."""
    kind = next((http for error, http in DOMAIN_STATUS.items() if isinstance(exc, error)), ClientException)
    if kind is NotFoundException:
        return not_found_handler(request, NotFoundException(detail=exc.message))
    return http_exception_handler(request, kind(detail=exc.message))


def http_exception_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Every other HTTP error: JSON on the API, a plain HTML message elsewhere (with ``extra`` headers kept)."""
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        return internal_error_handler(request, exc)
    headers = dict(exc.headers or {})
    if exc.status_code == HTTP_429_TOO_MANY_REQUESTS and "RateLimit-Reset" in headers:
        headers["Retry-After"] = str(max(int(headers["RateLimit-Reset"]), 1))
        exc.detail = "Too many attempts. Please wait a moment and try again."
    if isinstance(exc, NotAuthorizedException) and not wants_json(request):
        raw: bytes = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?", 1)[0]
        target = raw.decode("latin-1") + (f"?{request.url.query}" if request.url.query else "")
        # Django's redirect_to_login: the admin's own login URL under /admin/, and `next` with its slashes as they
        # are (QueryDict.urlencode(safe="/")).
        login_url = ADMIN_LOGIN_URL if target.startswith("/admin/") else LOGIN_URL
        return Redirect(f"{login_url}?{urlencode({'next': target}, safe='/')}", status_code=HTTP_302_FOUND)
    if wants_json(request):
        if exc.status_code == HTTP_405_METHOD_NOT_ALLOWED and request.url.path.startswith("/api/v2/"):
            # DRF's MethodNotAllowed wording, and its Allow header (its method order, HEAD with GET, OPTIONS)
            exc.detail = f'Method "{request.method}" not allowed.'
            allowed = {m.strip() for m in str(headers.get("Allow", headers.get("allow", ""))).split(",") if m.strip()}
            headers = {k: v for k, v in headers.items() if k.lower() != "allow"}
            headers["Allow"] = drf_allow(allowed)
        if exc.status_code == HTTP_429_TOO_MANY_REQUESTS and "Retry-After" in headers:
            exc.detail = f"Request was throttled. Expected available in {headers['Retry-After']} seconds."
        response = json_error(
            exc.status_code,
            exc.detail,
            exc.extra if isinstance(exc.extra, dict) else None,
            path=request.url.path,
        )
        response.headers.update(headers)
        return response
    csrf_failure = exc.status_code == HTTP_403_FORBIDDEN and exc.detail == CSRF_FAILURE_DETAIL
    return Template(
        template_name="csrf_failure.html" if csrf_failure else "error.html",
        context={"status_code": exc.status_code, "detail": exc.detail},
        status_code=exc.status_code,
        headers=headers,
        media_type=MediaType.HTML,
    )


def _out_of_range(exc: Exception) -> bool:
    """A request value the database cannot even bind (an id beyond 64 bits): SQLite's driver raises
    OverflowError, asyncpg a DataError about the query argument, before anything is read or written."""
    if isinstance(exc, OverflowError):
        return True
    cause = getattr(getattr(exc, "orig", None), "__cause__", None)
    return isinstance(exc, DBAPIError) and isinstance(cause, AsyncpgDataError) and "query argument" in str(cause)


def database_value_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Bad input that only the database driver noticed is a 400 with a message, not a 500."""
    if not _out_of_range(exc):  # a lost connection among them answers 503 there
        return internal_error_handler(request, exc)
    logger.info("value out of range on %s %s: %s", request.method, request.url.path, exc)
    return http_exception_handler(request, ClientException("A number in the request is out of range."))


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if database_unavailable(exc):
        logger.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        return unavailable_response(request)
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return server_error_response(request)
