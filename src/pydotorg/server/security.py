"""The security baseline, in one place: response headers, CSRF, rate limits and the write-route audit.

* Headers go on every response (pages, errors, static files) through an app-level ``before_send`` hook: an
  enforced Content-Security-Policy the site's own pages satisfy (no inline script or style), X-Frame-Options,
  Referrer-Policy, X-Content-Type-Options, and HSTS in production.
* CSRF: Litestar's double-submit cookie on every form post (the APIs authenticate by header and are exempt, as on
  Django). The cookie is only handed out by pages that carry a form, so cached anonymous pages stay cookie-free.
* Rate limits live in ``web/ratelimit.py`` (sections attach them to their routes).
* :func:`unguarded_write_routes` lists every route that changes state without a guard or a ``public_write``
  reason; ``create_app`` refuses to build such an app.
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.enums import ScopeType
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.routes import HTTPRoute, WebSocketRoute
from litestar.types import Message, Receive, Scope, Send

from pydotorg.domain.users.guards import PUBLIC_WRITE_KEY
from pydotorg.settings import Settings
from pydotorg.web.cache import personal_request
from pydotorg.web.forms import CSRF_COOKIE, FORM_KEY, SAFE_METHODS

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    )
)
#: The OpenAPI viewer (Swagger UI, vendored under /static/vendor/) starts itself with an inline script.
SCHEMA_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"


def security_headers(settings: Settings) -> Any:
    """The ``before_send`` hook that adds the security headers to every response (those a response does not set
    itself). It runs on every answer, cache hits included, so it works on the raw header list."""
    fixed: list[tuple[bytes, bytes]] = [
        (b"x-frame-options", b"SAMEORIGIN"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]
    if settings.is_production:
        fixed.append((b"strict-transport-security", HSTS.encode()))
    policy = (b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
    schema_policy = (b"content-security-policy", SCHEMA_CONTENT_SECURITY_POLICY.encode())

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers") or ())
        present = {name.lower() for name, _ in headers}
        headers.extend(pair for pair in fixed if pair[0] not in present)
        if policy[0] not in present:
            path: str = scope.get("path", "")
            headers.append(schema_policy if path == "/schema" or path.startswith("/schema/") else policy)
        message["headers"] = headers

    return before_send


class FormCSRFMiddleware(CSRFMiddleware):
    """Litestar's CSRF middleware; safe requests to pages without a form skip it, so they set no cookie."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = scope.get("route_handler")
        # A page the origin cache may keep (``cache=True``, asked anonymously) is the same for every visitor: it
        # never hands out a visitor's CSRF cookie, which the cache would replay to everyone after them. Signed-in
        # visitors bypass that cache and get the cookie with the forms shown to them.
        cacheable = bool(getattr(handler, "cache", False)) and not personal_request(scope)
        form_page = handler is not None and handler.opt.get(FORM_KEY) and not cacheable
        if scope["type"] == ScopeType.HTTP and scope.get("method", "GET") in SAFE_METHODS and not form_page:
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def build_csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.secure_cookies,
        cookie_samesite="lax",
        exclude=["^/api/"],
    )


def csrf_middleware(settings: Settings) -> DefineMiddleware:
    return DefineMiddleware(FormCSRFMiddleware, config=build_csrf_config(settings))


def unguarded_write_routes(app: Litestar) -> list[str]:
    """``METHOD path`` of every route that changes state with neither a guard nor a ``public_write`` reason (a
    WebSocket counts as one: it is a session's long-lived channel to the server)."""
    problems: list[str] = []
    for route in app.routes:
        if isinstance(route, WebSocketRoute):
            socket = route.route_handler
            if not socket.resolve_guards() and not socket.opt.get(PUBLIC_WRITE_KEY):
                problems.append(f"WEBSOCKET {route.path}")
            continue
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            writes = set(handler.http_methods) - SAFE_METHODS
            if not writes or handler.resolve_guards() or handler.opt.get(PUBLIC_WRITE_KEY):
                continue
            problems.extend(f"{method} {route.path}" for method in sorted(writes))
    return problems


def public_write_routes(app: Litestar) -> list[tuple[str, str]]:
    """``(METHOD path, reason)`` of the routes deliberately open to anonymous writes."""
    found: list[tuple[str, str]] = []
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                reason = handler.opt.get(PUBLIC_WRITE_KEY)
                writes = set(handler.http_methods) - SAFE_METHODS
                if reason and writes and not handler.resolve_guards():
                    found.extend((f"{method} {route.path}", str(reason)) for method in sorted(writes))
    return found
