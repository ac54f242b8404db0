"""API credentials, as the Django site checks them.

* v1 (tastypie's ``ApiKeyOrGuestAuthentication``): no ``Authorization`` header means an anonymous guest;
  ``Authorization: ApiKey <username>:<key>`` authenticates; a malformed header, an unknown user, a wrong key or an
  inactive user is a 401, and so is any ``username`` or ``api_key`` in the query string or body.
* v2 (DRF's ``TokenAuthentication``): ``Authorization: Token <key>``; sessions are ignored.

Writes need a staff user authenticated this way in this request: the guards below do both checks.
"""

from __future__ import annotations

import contextlib
import hmac
from collections.abc import Awaitable, Callable
from typing import Any, cast

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy import func, select

from pydotorg.db.models.users import ApiKey, Token, User
from pydotorg.domain.users.auth import CurrentUser, has_perm

API_USER_KEY = "pydotorg.api_user"
_UNSET = object()


async def v1_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    """The API-key user of a v1 request (cached on the scope), ``None`` for guests; raises 401 when refused."""
    cached: Any = connection.scope.get(API_USER_KEY, _UNSET)
    if cached is not _UNSET:
        return cast("CurrentUser | None", cached)
    if "username" in connection.query_params or "api_key" in connection.query_params:
        raise NotAuthorizedException("Credentials in the query string are not accepted; use the Authorization header.")
    header = connection.headers.get("authorization")
    user: CurrentUser | None = None
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "apikey" or credentials.count(":") != 1:
            raise NotAuthorizedException("Malformed Authorization header; expected 'ApiKey <username>:<key>'.")
        username, key = credentials.strip().split(":")
        engine = connection.scope["litestar_app"].state.db_config.get_engine()
        query = (
            select(User, ApiKey.key)
            .join(ApiKey, ApiKey.user_id == User.id)
            .where(func.lower(User.username) == username.lower())
        )
        async with engine.connect() as conn:
            row = (await conn.execute(query)).first()
        # compared as bytes: compare_digest refuses str with non-ASCII characters (a 500 for any such header)
        if row is None or not hmac.compare_digest(str(row.key).encode(), key.encode()) or not row.is_active:
            raise NotAuthorizedException("Invalid API key.")
        user = CurrentUser.from_row(row)
    connection.scope[API_USER_KEY] = user  # type: ignore[literal-required]
    return user


async def v2_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    cached: Any = connection.scope.get(API_USER_KEY, _UNSET)
    if cached is not _UNSET:
        return cast("CurrentUser | None", cached)
    header = connection.headers.get("authorization")
    user: CurrentUser | None = None
    if header:
        scheme, _, key = header.partition(" ")
        if scheme.lower() != "token":
            user = None  # another scheme: DRF's TokenAuthentication does not apply, the request is anonymous
        elif not key or " " in key.strip():
            raise NotAuthorizedException("Invalid token header. Token string should not contain spaces.")
        else:
            engine = connection.scope["litestar_app"].state.db_config.get_engine()
            query = select(User).join(Token, Token.user_id == User.id).where(Token.key == key.strip())
            async with engine.connect() as conn:
                row = (await conn.execute(query)).first()
            if row is None:
                raise NotAuthorizedException("Invalid token.")
            if not row.is_active:
                raise NotAuthorizedException("User inactive or deleted.")
            user = CurrentUser.from_row(row)
    connection.scope[API_USER_KEY] = user  # type: ignore[literal-required]
    return user


#: Route ``opt`` key naming the table a write route changes (``downloads_release``): the caller needs the admin's
#: permission for it, ``<app_label>.<add|change|delete>_<model>`` by the request's method.
MODEL_PERM = "model_perm"
WRITE_ACTIONS = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def model_permission(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> str | None:
    table: object = handler.opt.get(MODEL_PERM)
    if not table:
        return None
    app_label, _, model = str(table).partition("_")
    method = str(connection.scope.get("method", ""))
    return f"{app_label}.{WRITE_ACTIONS.get(method, 'change')}_{model}"


async def _allowed(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler, user: CurrentUser
) -> bool:
    """Staff, and the same model permission the admin asks for (a release manager's group grants the downloads
    ones); superusers have every permission."""
    needed = model_permission(connection, handler)
    return user.is_staff and (needed is None or await has_perm(connection, user, needed))


async def requires_v1_staff(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    user = await v1_user(connection)
    if user is None or not await _allowed(connection, handler, user):
        # tastypie answers 401 for every refused write
        raise NotAuthorizedException("Writes need the API key of a staff user with the model's permission.")


async def requires_v2_staff(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    user = await v2_user(connection)
    if user is None:
        raise NotAuthorizedException("Authentication credentials were not provided.")
    if not await _allowed(connection, handler, user):
        raise PermissionDeniedException("You do not have permission to perform this action.")


def authenticate_first(
    authenticate: Callable[[ASGIConnection[Any, Any, Any, Any]], Awaitable[CurrentUser | None]],
) -> Any:
    """Router middleware that verifies the caller's credentials before the rate limit counts the request, so the
    limit is keyed on who the caller *is* (:func:`rate_identity`), never on a name the header merely claims.
    A refusal is not answered here: the handler's own check answers it (401), after the limit counted it against
    the client's address."""

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.HTTP:
                with contextlib.suppress(NotAuthorizedException):
                    await authenticate(ASGIConnection(scope))
            await app(scope, receive, send)

        return middleware

    return factory


def rate_identity(request: Request[Any, Any, Any]) -> str:
    """The rate-limit key: the verified API user, else the client address (guests and failed authentications)."""
    user = request.scope.get(API_USER_KEY)
    if isinstance(user, CurrentUser):
        return f"user:{user.id}"
    client = request.client
    return "addr:" + (client.host if client else "unknown")
