"""Live updates for the staff admin: moderation queues and edit presence, one WebSocket per open admin page.

* Sections declare their **moderation queues** with :func:`moderation_queue` (what is waiting, the admin it belongs
  to, the models whose changes move it). ``web/changes.py`` notes a committed change to one of those models like a
  cache invalidation and hands it to the :class:`LiveHub` only **after the commit** (never for a rollback).
* Every instance runs one :class:`LiveHub`. It publishes through Litestar's channels (Redis pub/sub in production,
  so every instance sees every message; memory in embedded mode), holds the instance's one subscription, and fans
  out to its own sockets. A queue's new state (its count and newest items) is read once per instance and event and
  sent only to the sockets whose user may view that admin; a message never carries an item to anyone else.
* **Presence**: a socket on an object's change page says which object it holds open; hubs tell each other, and
  every socket on that object gets the list of the other editors. The saving side (``version`` columns and the
  admin's stale-save check) works without any of this.
* When the channels backend fails (Redis down), the hub closes its sockets with 1013 and a reason; the admin page
  polls ``/admin/live/queues.json`` until the socket comes back. A failed publish is logged: the queues' state is
  read from the database on every connect and poll, so a lost hint costs a delay, never a wrong count.

Messages are JSON objects with ``type`` and ``v`` (:data:`PROTOCOL`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from litestar.channels import ChannelsBackend, ChannelsPlugin, Subscriber
from redis.exceptions import RedisError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from pydotorg.db.base import Base

logger = logging.getLogger(__name__)

PROTOCOL = 1
#: The one channel every hub subscribes to.
STAFF_CHANNEL = "live:staff"
#: Newest items a queue snapshot lists.
SNAPSHOT_ITEMS = 5
#: Seconds a presence announcement holds; sockets renew theirs with each heartbeat.
PRESENCE_TTL = 45.0
#: How often (seconds) a hub looks whether its instance started draining.
DRAIN_CHECK_SECONDS = 0.5
#: Messages waiting for one socket before it counts as too slow and is closed.
SOCKET_BACKLOG = 200


@dataclass(frozen=True)
class ModerationQueue:
    """What waits for staff in one admin: ``pending`` selects its rows; changes to ``watch`` models move it."""

    name: str
    label: str
    #: ``app_label.model_name`` of the admin where the rows are handled (its view or change permission shows them).
    admin_key: str
    model: type[Base]
    pending: Callable[[], ColumnElement[bool]]
    title: Callable[[Any], str] = str
    watch: tuple[type[Base], ...] = ()

    @property
    def permissions(self) -> frozenset[str]:
        app, model = self.admin_key.split(".")
        return frozenset({f"{app}.view_{model}", f"{app}.change_{model}"})

    def url(self, pk: int) -> str:
        app, model = self.admin_key.split(".")
        return f"/admin/{app}/{model}/{pk}/change/"


QUEUES: dict[str, ModerationQueue] = {}
#: model -> the queues a change to one of its rows moves
WATCHED: dict[type[Any], set[str]] = {}


def moderation_queue(queue: ModerationQueue) -> ModerationQueue:
    if queue.name in QUEUES and QUEUES[queue.name] != queue:
        raise ValueError(f"moderation queue {queue.name!r} is declared twice")
    QUEUES[queue.name] = queue
    for model in (queue.model, *queue.watch):
        WATCHED.setdefault(model, set()).add(queue.name)
    return queue


def queues_moved_by(rows: Iterable[Any]) -> set[str]:
    return {name for row in rows for name in WATCHED.get(type(row), ())}


def visible_queues(is_superuser: bool, permissions: frozenset[str]) -> list[ModerationQueue]:
    return [q for q in QUEUES.values() if is_superuser or q.permissions & permissions]


async def snapshot(engine: AsyncEngine, queue: ModerationQueue) -> dict[str, Any]:
    """The queue's count and newest items, as a ``queue`` message."""
    model: Any = queue.model
    # one short session: the count, then the newest rows (their titles may need the ORM's ``__str__``)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        count = await session.scalar(select(func.count()).select_from(model).where(queue.pending()))
        newest = select(model).where(queue.pending()).order_by(model.id.desc()).limit(SNAPSHOT_ITEMS)
        rows = (await session.scalars(newest)).all()
        items = [{"id": row.id, "title": queue.title(row)[:200], "url": queue.url(row.id)} for row in rows]
    return {
        "type": "queue",
        "v": PROTOCOL,
        "queue": queue.name,
        "label": queue.label,
        "count": count or 0,
        "items": items,
    }


# -- a channels backend that rides through outages ------------------------------------------------------------------
DOWN = b'{"type":"live.down"}'


class ResilientBackend(ChannelsBackend):
    """Wraps a Litestar channels backend, made afresh for each app lifespan (its Redis connection belongs to that
    lifespan's event loop). A failed publish is logged instead of stopping the plugin's publisher, and a failed
    subscription stream tells the subscribers (``live.down``), waits, and resubscribes."""

    def __init__(
        self,
        make_inner: Callable[[], ChannelsBackend],
        *,
        retry_after: float = 1.0,
        detached: Callable[[bytes, list[str]], Awaitable[None]] | None = None,
    ) -> None:
        self.make_inner = make_inner
        self.inner: ChannelsBackend | None = None
        self.retry_after = retry_after
        #: how a process whose app is not serving publishes (a short connection of its own), if it can
        self.detached = detached
        self.channels: set[str] = set()
        self.available = True

    @property
    def started(self) -> bool:
        """Whether an app lifespan runs the channels plugin (a CLI command or a job worker does not)."""
        return self.inner is not None

    async def on_startup(self) -> None:
        inner = self.make_inner()
        await inner.on_startup()
        self.inner = inner
        self.available = True

    async def on_shutdown(self) -> None:
        inner, self.inner = self.inner, None
        if inner is not None:
            with contextlib.suppress(RedisError, OSError, RuntimeError):
                await inner.on_shutdown()

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        if self.inner is None:
            return
        try:
            await self.inner.publish(data, channels)
        except (RedisError, OSError) as exc:
            logger.warning("live update not published (%s): admin pages catch up on their next poll", exc)

    async def publish_detached(self, data: bytes, channels: list[str]) -> None:
        """Publish from a process that is not serving (a job worker, a CLI command): the plugin is not running
        there, so nothing in this process listens; other instances do, through Redis."""
        if self.detached is None:
            return
        try:
            await self.detached(data, channels)
        except (RedisError, OSError) as exc:
            logger.warning("live update not published (%s): admin pages catch up on their next poll", exc)

    async def subscribe(self, channels: Iterable[str]) -> None:
        channels = list(channels)
        self.channels.update(channels)
        if self.inner is None:
            return
        try:
            await self.inner.subscribe(channels)
        except (RedisError, OSError) as exc:
            logger.warning("live updates unavailable (%s)", exc)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        channels = list(channels)
        self.channels.difference_update(channels)
        if self.inner is not None:
            with contextlib.suppress(RedisError, OSError):
                await self.inner.unsubscribe(channels)

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        while (inner := self.inner) is not None:
            try:
                async for event in inner.stream_events():
                    yield event
                return
            # RuntimeError: redis-py's pub/sub asked for a message while it has no connection
            except (RedisError, OSError, RuntimeError) as exc:
                if self.available:
                    logger.warning("live updates interrupted (%s); retrying every %.1f s", exc, self.retry_after)
                    self.available = False
                    for channel in self.channels:
                        yield channel, DOWN
                await asyncio.sleep(self.retry_after)
                try:
                    await inner.subscribe(list(self.channels))  # the connection is made again, or this fails
                except (RedisError, OSError, RuntimeError):
                    continue
                self.available = True
                logger.warning("live updates are back")

    async def get_history(self, channel: str, limit: int | None = None) -> list[bytes]:
        return []


# -- the hub -----------------------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Peer:
    """One open socket as the hub sees it: whose it is, what it may see, what it holds open."""

    user_id: int
    username: str
    is_superuser: bool
    permissions: frozenset[str]
    #: messages to send: a dict, or a str already encoded once for many sockets; None closes the socket
    outbox: asyncio.Queue[dict[str, Any] | str | None] = field(default_factory=lambda: asyncio.Queue(SOCKET_BACKLOG))
    sid: str = field(default_factory=lambda: secrets.token_hex(8))
    editing: str | None = None
    closed: tuple[int, str] | None = None
    #: looks the socket's session and access up again, closing the peer when they ended
    verify: Callable[[], Awaitable[None]] | None = None

    def sees(self, queue: ModerationQueue) -> bool:
        return self.is_superuser or bool(queue.permissions & self.permissions)

    def send(self, message: dict[str, Any] | str) -> None:
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            self.close(1008, "too slow: messages were piling up")

    def close(self, code: int, reason: str) -> None:
        if self.closed is None:
            self.closed = (code, reason)
            with contextlib.suppress(asyncio.QueueFull):
                self.outbox.put_nowait(None)


class LiveHub:
    """The instance's live-update fan-out (see the module docstring)."""

    def __init__(
        self,
        channels: ChannelsPlugin,
        backend: ResilientBackend,
        engine: Callable[[], AsyncEngine],
        draining: Callable[[], bool] = lambda: False,
    ) -> None:
        self.channels = channels
        self.backend = backend
        self.engine = engine
        #: whether this instance is shutting down (then its sockets close with 1012, to reconnect elsewhere)
        self.draining = draining
        self.peers: set[Peer] = set()
        #: object -> sid -> (username, expires at)
        self.presence: dict[str, dict[str, tuple[str, float]]] = {}
        self._subscriber: Subscriber | None = None
        self._task: asyncio.Task[None] | None = None
        self._drain_watch: asyncio.Task[None] | None = None
        self._starting: asyncio.Lock | None = None

    @property
    def available(self) -> bool:
        return self.backend.available and self._task is not None and not self._task.done()

    async def ensure_started(self) -> None:
        """Subscribe on the first socket (the channels plugin has started by then)."""
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            if self._task is None:
                self._subscriber = await self.channels.subscribe([STAFF_CHANNEL])
                self._task = asyncio.create_task(self._pump(self._subscriber))
                self._drain_watch = asyncio.create_task(self._watch_drain())

    async def _watch_drain(self) -> None:
        """Once the instance drains (SIGTERM), close its sockets with 1012 "service restart": the pages reconnect,
        through the balancer, to an instance that stays; the server's shutdown does not wait on them."""
        while True:
            await asyncio.sleep(DRAIN_CHECK_SECONDS)
            if self.draining():
                for peer in list(self.peers):
                    peer.close(1012, "This server is restarting; reconnecting.")

    async def stop(self) -> None:
        for peer in list(self.peers):
            peer.close(1001, "the server is restarting")
        for task in (self._task, self._drain_watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._subscriber is not None:
            with contextlib.suppress(Exception):
                await self.channels.unsubscribe(self._subscriber)
        self._task = self._drain_watch = self._subscriber = self._starting = None
        self.peers.clear()
        self.presence.clear()

    # publishing (after commit, from web/changes.py; presence from the socket handler)
    def publish(self, message: dict[str, Any]) -> None:
        """Queue ``message`` on the channels plugin (inside a serving app's lifespan)."""
        if self.backend.started:
            self.channels.publish(message, STAFF_CHANNEL)

    async def announce(self, *, queues: Iterable[str] = (), users: Iterable[int] = ()) -> None:
        """Tell every instance that ``queues`` moved and that ``users``' access changed: through the plugin when
        this process serves, straight through the backend otherwise (a job worker, a CLI command)."""
        messages = [{"type": "queue.changed", "v": PROTOCOL, "queue": name} for name in sorted(queues)]
        messages += [{"type": "user.changed", "v": PROTOCOL, "user": user} for user in sorted(users)]
        for message in messages:
            if self.backend.started:
                self.channels.publish(message, STAFF_CHANNEL)
            else:
                await self.backend.publish_detached(json.dumps(message).encode(), [STAFF_CHANNEL])

    # peers
    def join(self, peer: Peer) -> None:
        self.peers.add(peer)

    def leave(self, peer: Peer) -> None:
        self.peers.discard(peer)
        if peer.editing:
            self._announce(peer, peer.editing, "gone")
            peer.editing = None

    def edit(self, peer: Peer, obj: str | None) -> None:
        """``peer`` now holds ``obj`` open (or nothing)."""
        if peer.editing and peer.editing != obj:
            self._announce(peer, peer.editing, "gone")
        peer.editing = obj
        if obj:
            self._announce(peer, obj, "here")

    def renew(self, peer: Peer) -> None:
        if peer.editing:
            self._announce(peer, peer.editing, "here", renew=True)

    def _announce(self, peer: Peer, obj: str, state: str, *, renew: bool = False) -> None:
        message = {"type": "presence", "v": PROTOCOL, "object": obj, "sid": peer.sid, "user": peer.username}
        self.publish({**message, "state": state, "renew": renew})

    # receiving
    async def _pump(self, subscriber: Subscriber) -> None:
        async for raw in subscriber.iter_events():
            try:
                await self.dispatch(json.loads(raw))
            except Exception:  # one bad message must not stop the instance's live updates
                logger.exception("live update not delivered")

    async def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "queue.changed":
            queue = QUEUES.get(str(message.get("queue")))
            watchers = [peer for peer in self.peers if queue is not None and peer.sees(queue)]
            if queue is not None and watchers:
                encoded = json.dumps(await snapshot(self.engine(), queue))  # once for every socket
                for peer in watchers:
                    peer.send(encoded)
        elif kind == "presence":
            self._presence(message)
        elif kind == "user.changed":
            user = message.get("user")
            for peer in [p for p in self.peers if user in (0, p.user_id) and p.verify is not None]:
                await peer.verify()  # type: ignore[misc]
        elif kind == "live.down":
            for peer in list(self.peers):
                peer.close(1013, "live updates are unavailable (the message broker is down); the page polls")

    def _presence(self, message: dict[str, Any]) -> None:
        obj, sid, user = str(message.get("object")), str(message.get("sid")), str(message.get("user"))
        here = self.presence.setdefault(obj, {})
        known = sid in here
        if message.get("state") == "here":
            here[sid] = (user, time.monotonic() + PRESENCE_TTL)
        else:
            here.pop(sid, None)
        if message.get("state") == "here" and not known and not message.get("renew"):
            # a newcomer: the editors this instance holds on that object say they are here too
            for peer in self.peers:
                if peer.editing == obj and peer.sid != sid:
                    self._announce(peer, obj, "here", renew=True)
        self._tell_editors(obj)

    def _tell_editors(self, obj: str) -> None:
        now = time.monotonic()
        here = self.presence.get(obj, {})
        for sid in [sid for sid, (_, expires) in here.items() if expires < now]:
            here.pop(sid)
        for peer in self.peers:
            if peer.editing == obj:
                others = sorted({user for sid, (user, _) in here.items() if sid != peer.sid})
                peer.send({"type": "presence", "v": PROTOCOL, "object": obj, "editors": others})
