"""Who is making the request: server-side sessions, the current user, login and logout.

The session (Litestar's server-side sessions, in the mode's store: Redis or files) holds the user id and a hash
derived from the user's password hash, as Django's session auth does: changing the password ends every other
session. Requests without a session cookie cost nothing: no store read, no query. A request with one costs a
store read and one lean query for the user's row.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import ASGIMiddleware
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send
from litestar.utils.dataclass import extract_dataclass_items
from sqlalchemy import select

from pydotorg.db.base import utcnow
from pydotorg.db.models.users import Group, Permission, User, group_permissions, user_groups, user_permissions

SESSION_USER_KEY = "_auth_user_id"
SESSION_HASH_KEY = "_auth_user_hash"
_ROTATE_FLAG = "pydotorg.rotate_session"
_NEW_ID = "pydotorg.new_session_id"


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user as request code sees it (a plain snapshot, not an ORM row)."""

    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    _permissions: dict[str, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    is_authenticated = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def from_row(cls, row: Any) -> CurrentUser:
        """From a ``users_user`` row (or anything with its columns as attributes)."""
        return cls(
            id=row.id,
            username=row.username,
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            is_active=row.is_active,
            is_staff=row.is_staff,
            is_superuser=row.is_superuser,
        )


def session_hash(secret: str, password_hash: str) -> str:
    """Changes whenever the password does, so sessions made with the old password stop working."""
    return hmac.new(secret.encode(), f"session-auth:{password_hash}".encode(), hashlib.sha256).hexdigest()[:40]


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def signed_in_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser:
    """The signed-in user of a route whose guard required one (a 401 should the guard ever be missing)."""
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException("Please sign in.")
    return user


def provide_viewer(request: Request[Any, Any, Any]) -> CurrentUser | None:
    """The ``viewer`` dependency: the signed-in user making the request, or None for an anonymous visitor."""
    return current_user(request)


# -- sessions -------------------------------------------------------------------------------------------------------
class RotatingSessionBackend(ServerSideSessionBackend):
    """Server-side sessions that can switch to a fresh id (at login) and drop the old one from the store."""

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(_ROTATE_FLAG):
            if _NEW_ID not in state:
                state[_NEW_ID] = self.generate_session_id()
            return str(state[_NEW_ID])
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session: Any, message: Message, connection: ASGIConnection) -> None:  # type: ignore[type-arg]
        state = connection.scope.setdefault("state", {})
        old_id = connection.cookies.get(self.config.key)
        has_cookie = bool(old_id) and old_id != "null"
        if not scope_session or scope_session is Empty:
            # Nothing to keep: anonymous responses carry no cookie and cost no store write; a session that
            # became empty (logout, last message read) is deleted.
            if has_cookie:
                # Litestar's own deletion sends the session's two-week Max-Age with an empty value, which browsers
                # keep; this one expires the cookie at once.
                await self.delete(str(old_id), store=self.config.get_store_from_app(connection.scope["litestar_app"]))
                items = extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
                params = {k: v for k, v in items if k not in {"max_age", "expires", "key", "value"}}
                expired = Cookie(key=self.config.key, value="", max_age=0, expires=0, **params)
                MutableScopeHeaders.from_message(message).add("Set-Cookie", expired.to_header(header=""))
            return
        if state.get(_ROTATE_FLAG) and old_id and has_cookie:
            await self.delete(old_id, store=self.config.get_store_from_app(connection.scope["litestar_app"]))
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


#: The store (a namespace of the app's root store) that keeps sessions.
SESSION_STORE = "sessions"


def build_session_config(*, secure: bool, max_age: int) -> SessionConfig:
    return SessionConfig(
        key="sessionid",
        store=SESSION_STORE,
        max_age=max_age,
        secure=secure,
        httponly=True,
        samesite="lax",
        exclude=["^/static/", "^/media/", "^/api/"],
    )


# -- the user of a request ------------------------------------------------------------------------------------------
_USER_COLUMNS = (
    User.id,
    User.username,
    User.email,
    User.first_name,
    User.last_name,
    User.is_active,
    User.is_staff,
    User.is_superuser,
    User.password,
)


async def load_session_user(scope: Scope) -> CurrentUser | None:
    session = scope.get("session")
    if not isinstance(session, dict) or SESSION_USER_KEY not in session:
        return None
    app = scope["litestar_app"]
    engine = app.state.db_config.get_engine()
    async with engine.connect() as conn:
        row = (await conn.execute(select(*_USER_COLUMNS).where(User.id == session[SESSION_USER_KEY]))).first()
    if row is None or not row.is_active:
        return None
    expected = session_hash(app.state.settings.secret_key, row.password)
    if not hmac.compare_digest(str(session.get(SESSION_HASH_KEY, "")), expected):
        return None
    return CurrentUser.from_row(row)


class AuthenticationMiddleware(ASGIMiddleware):
    """Puts the session's user (or ``None``) in ``scope["user"]``; runs after the session middleware."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = await load_session_user(scope)
        await next_app(scope, receive, send)


def login(connection: ASGIConnection[Any, Any, Any, Any], user: User, secret: str) -> None:
    """Start a session for ``user`` under a new session id (the old id, if any, is deleted)."""
    connection.scope.setdefault("state", {})[_ROTATE_FLAG] = True
    connection.set_session({SESSION_USER_KEY: user.id, SESSION_HASH_KEY: session_hash(secret, user.password)})
    user.last_login = utcnow()


def refresh_session_hash(connection: ASGIConnection[Any, Any, Any, Any], user: User, secret: str) -> None:
    """After a password change: keep this session (under a new id); every other one ends."""
    login(connection, user, secret)


def logout(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    connection.clear_session()


# -- permissions ----------------------------------------------------------------------------------------------------
async def permissions_of(connection: ASGIConnection[Any, Any, Any, Any], user: CurrentUser) -> frozenset[str]:
    """``app_label.codename`` of every permission the user has directly or through a group (cached per request)."""
    cache = user._permissions
    if "all" not in cache:
        engine = connection.scope["litestar_app"].state.db_config.get_engine()
        direct = (
            select(Permission.app_label, Permission.codename)
            .join(user_permissions, user_permissions.c.permission_id == Permission.id)
            .where(user_permissions.c.user_id == user.id)
        )
        via_group = (
            select(Permission.app_label, Permission.codename)
            .join(group_permissions, group_permissions.c.permission_id == Permission.id)
            .join(user_groups, user_groups.c.group_id == group_permissions.c.group_id)
            .where(user_groups.c.user_id == user.id)
        )
        async with engine.connect() as conn:
            rows = (await conn.execute(direct.union(via_group))).all()
        cache["all"] = frozenset(f"{app}.{code}" for app, code in rows)
    return cache["all"]


async def has_perm(connection: ASGIConnection[Any, Any, Any, Any], user: CurrentUser | None, perm: str) -> bool:
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return perm in await permissions_of(connection, user)


async def groups_of(connection: ASGIConnection[Any, Any, Any, Any], user: CurrentUser) -> frozenset[str]:
    cache = user._permissions
    if "groups" not in cache:
        engine = connection.scope["litestar_app"].state.db_config.get_engine()
        query = (
            select(Group.name)
            .join(user_groups, user_groups.c.group_id == Group.id)
            .where(user_groups.c.user_id == user.id)
        )
        async with engine.connect() as conn:
            cache["groups"] = frozenset((await conn.execute(query)).scalars().all())
    return cache["groups"]


# -- redirects ------------------------------------------------------------------------------------------------------
def safe_next(value: str | None, default: str = "/") -> str:
    """A ``next`` target that stays on this site: a local absolute path, never ``//host`` or ``scheme:``."""
    if not value:
        return default
    candidate = value.strip()
    if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in candidate):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate


async def ensure_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    """The user of a request that no route matched (middleware did not run): read the session by hand."""
    scope = connection.scope
    if "user" not in scope:
        config: SessionConfig = scope["litestar_app"].state.session_config
        session: Any = {}
        if connection.cookies.get(config.key):
            session = await config._backend_class(config=config).load_from_connection(connection)
        scope["session"] = session
        scope["user"] = await load_session_user(scope)
    return current_user(connection)
