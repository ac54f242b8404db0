"""``/admin/live``: the staff admin's WebSocket (moderation queues, edit presence) and its polling fallback.

The handshake is refused before the upgrade completes (close codes 4401 signed out, 4403 not staff or another
site's page) by :func:`staff_socket`, a guard of its own: the session cookie authenticates the socket and the
``Origin`` header must be the site's (a page elsewhere cannot open a socket with a visitor's cookie). After it:

* the server sends ``hello`` (the queues this user may see, and the heartbeat interval), then ``queue`` messages
  as queues move, ``presence`` messages for the object the page holds open, and ``ping`` every heartbeat;
* the client sends ``pong``, ``edit`` (``{"object": "pages.page:12"}``, an object it may view) and ``leave``;
* each heartbeat the session is looked up again (a logout, a password change or lost staff status closes the
  socket with 4401 or 4403; so does a ``user.changed`` event at once); no ``pong`` for two heartbeats closes it
  with 4408;
* bad input is answered, never trusted: a frame over 4 KiB closes with 1009, malformed JSON with 1007, a flood of
  messages with 1008; an unknown type or an object the user may not view gets an ``error`` message.

``GET /admin/live/queues.json`` answers the same queue snapshots, for pages whose socket is blocked or closed.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import anyio
from litestar import Controller, Request, Response, WebSocket, get, websocket
from litestar.connection import ASGIConnection
from litestar.exceptions import WebSocketException
from litestar.handlers import BaseRouteHandler
from litestar.status_codes import WS_1008_POLICY_VIOLATION

from pydotorg.domain.admin.registry import REGISTRY, Permit
from pydotorg.domain.users.auth import (
    SESSION_STORE,
    CurrentUser,
    RotatingSessionBackend,
    current_user,
    load_session_user,
    permissions_of,
    signed_in_user,
)
from pydotorg.domain.users.guards import requires_staff
from pydotorg.settings import Settings
from pydotorg.web.live import PROTOCOL, LiveHub, Peer, snapshot, visible_queues

#: Largest client frame, in characters.
MAX_FRAME = 4096
#: More client messages than this within FLOOD_WINDOW seconds close the socket.
FLOOD_LIMIT = 30
FLOOD_WINDOW = 10.0
OBJECT = re.compile(r"^([a-z0-9_]{1,50})\.([a-z0-9_]{1,50}):([0-9]{1,12})$")

CLOSE_SIGNED_OUT = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_HEARTBEAT = 4408
CLOSE_TOO_BIG = 1009
CLOSE_MALFORMED = 1007


def parse_frame(text: str) -> tuple[dict[str, Any], None] | tuple[None, tuple[int, str]]:
    """A client frame as a message, or the close code and reason it earns (too big, not a JSON object)."""
    if len(text) > MAX_FRAME:
        return None, (CLOSE_TOO_BIG, "Message too big.")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: arrays nested a thousand deep
        message = None
    if not isinstance(message, dict):
        return None, (CLOSE_MALFORMED, "Messages are JSON objects.")
    return message, None


def same_origin(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> bool:
    """The ``Origin`` is the configured site's (outside production also the page's own host, for local runs)."""
    origin = connection.headers.get("origin", "")
    site = urlsplit(settings.site_url)
    parts = urlsplit(origin)
    if not parts.scheme or not parts.netloc:
        return False
    if (parts.scheme, parts.netloc) == (site.scheme, site.netloc):
        return True
    return not settings.is_production and parts.netloc == connection.headers.get("host", "")


def staff_socket(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The WebSocket's guard: refuses the handshake with a close code and a reason."""
    settings: Settings = connection.app.state.settings
    if not same_origin(connection, settings):
        raise WebSocketException(detail="Live updates are only for this site's own pages.", code=CLOSE_FORBIDDEN)
    user = current_user(connection)
    if user is None:
        raise WebSocketException(detail="Please sign in.", code=CLOSE_SIGNED_OUT)
    if not (user.is_active and user.is_staff):
        raise WebSocketException(detail="Live updates are for python.org staff.", code=CLOSE_FORBIDDEN)


async def may_view(connection: ASGIConnection[Any, Any, Any, Any], user: CurrentUser, obj: str) -> bool:
    match = OBJECT.match(obj)
    admin = REGISTRY.get(f"{match.group(1)}.{match.group(2)}") if match else None
    if admin is None:
        return False
    if user.is_superuser:
        return True
    allowed = {admin.perm(Permit.VIEW), admin.perm(Permit.CHANGE)}
    return bool(allowed & await permissions_of(connection, user))


async def session_user(socket: WebSocket[Any, Any, Any]) -> CurrentUser | None:
    """The socket's user as the session store has it now (None once the session ended or no longer matches)."""
    config = socket.app.state.session_config
    session_id = socket.cookies.get(config.key)
    if not session_id:
        return None
    backend = RotatingSessionBackend(config=config)
    raw = await backend.get(session_id, store=socket.app.stores.get(SESSION_STORE))
    if raw is None:
        return None
    try:
        session = backend.deserialize_data(raw)
    except (ValueError, TypeError):
        return None
    return await load_session_user({**socket.scope, "session": session})


class LiveController(Controller):
    path = "/admin/live"
    include_in_schema = False

    @get(
        "/queues.json",
        name="admin:live_queues",
        guards=[requires_staff],
        cache_control=None,
        opt={"append_slash": False},
    )
    async def queues(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        user = signed_in_user(request)
        perms = await permissions_of(request, user)
        engine = request.app.state.db_config.get_engine()
        body = {
            "type": "queues",
            "v": PROTOCOL,
            "queues": [await snapshot(engine, q) for q in visible_queues(user.is_superuser, perms)],
        }
        return Response(body, headers={"Cache-Control": "no-store"})

    @websocket("/", name="admin:live", guards=[staff_socket], opt={"append_slash": False})
    async def live(self, socket: WebSocket[Any, Any, Any]) -> None:
        hub: LiveHub = socket.app.state.live
        settings: Settings = socket.app.state.settings
        await hub.ensure_started()
        user = signed_in_user(socket)
        if not hub.available:
            await socket.close(code=1013, reason="Live updates are unavailable just now; the page polls.")
            return
        peer = Peer(user.id, user.username, user.is_superuser, await permissions_of(socket, user))

        async def verify() -> None:
            now = await session_user(socket)
            if now is None or now.id != user.id:
                peer.close(CLOSE_SIGNED_OUT, "Signed out.")
            elif not (now.is_active and now.is_staff):
                peer.close(CLOSE_FORBIDDEN, "Staff access was withdrawn.")
            else:
                peer.is_superuser = now.is_superuser
                peer.permissions = await permissions_of(socket, now)

        peer.verify = verify
        await socket.accept()
        hub.join(peer)
        try:
            engine = socket.app.state.db_config.get_engine()
            queues = [await snapshot(engine, q) for q in visible_queues(peer.is_superuser, peer.permissions)]
            hello = {
                "type": "hello",
                "v": PROTOCOL,
                "user": user.username,
                "heartbeat": settings.live_heartbeat,
                "queues": queues,
            }
            await socket.send_json(hello)
            await self._serve(socket, hub, peer, user, heartbeat=settings.live_heartbeat, verify=verify)
        finally:
            hub.leave(peer)

    async def _serve(
        self,
        socket: WebSocket[Any, Any, Any],
        hub: LiveHub,
        peer: Peer,
        user: CurrentUser,
        *,
        heartbeat: float,
        verify: Callable[[], Awaitable[None]],
    ) -> None:
        last_seen = time.monotonic()
        recent: deque[float] = deque(maxlen=FLOOD_LIMIT)

        async def read(scope: anyio.CancelScope) -> None:
            nonlocal last_seen
            while True:
                event = await socket.receive()
                if event["type"] == "websocket.disconnect":
                    scope.cancel()
                    return
                last_seen = now = time.monotonic()
                recent.append(now)
                if len(recent) == FLOOD_LIMIT and now - recent[0] < FLOOD_WINDOW:
                    peer.close(WS_1008_POLICY_VIOLATION, "Too many messages.")
                    return
                raw: Any = event.get("text")
                if not isinstance(raw, str):
                    data: Any = event.get("bytes") or b""
                    raw = bytes(data).decode("utf-8", "replace")
                text: str = raw
                message, refusal = parse_frame(text)
                if message is None:
                    peer.close(*(refusal or (CLOSE_MALFORMED, "Messages are JSON objects.")))
                    return
                await self._handle(socket, hub, peer, user, message)

        async def write(scope: anyio.CancelScope) -> None:
            while True:
                message = await peer.outbox.get()
                if message is None:
                    code, reason = peer.closed or (1000, "")
                    await socket.close(code=code, reason=reason)
                    scope.cancel()
                    return
                if isinstance(message, str):
                    await socket.send_text(message)
                else:
                    await socket.send_json(message)

        async def beat() -> None:
            while True:
                await anyio.sleep(heartbeat)
                if time.monotonic() - last_seen > 2 * heartbeat:
                    peer.close(CLOSE_HEARTBEAT, "No answer to heartbeats.")
                    return
                peer.send({"type": "ping", "v": PROTOCOL})
                hub.renew(peer)
                await verify()

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(read, tasks.cancel_scope)
            tasks.start_soon(write, tasks.cancel_scope)
            tasks.start_soon(beat)

    async def _handle(
        self, socket: WebSocket[Any, Any, Any], hub: LiveHub, peer: Peer, user: CurrentUser, message: dict[str, Any]
    ) -> None:
        kind = message.get("type")
        if kind == "pong":
            return
        if message.get("v", PROTOCOL) != PROTOCOL:
            peer.send({"type": "error", "v": PROTOCOL, "reason": f"This server speaks version {PROTOCOL}."})
        elif kind == "edit":
            obj = message.get("object")
            if isinstance(obj, str) and await may_view(socket, user, obj):
                hub.edit(peer, obj)
            else:
                peer.send({"type": "error", "v": PROTOCOL, "reason": "No such object, or not yours to see."})
        elif kind == "leave":
            hub.edit(peer, None)
        else:
            peer.send({"type": "error", "v": PROTOCOL, "reason": "Unknown message type."})
