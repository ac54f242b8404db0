"""Wires the staff admin's live updates (``web/live.py``): Litestar's channels on Redis pub/sub when the site has
Redis (every instance sees every message), in memory otherwise, behind a backend that rides through outages."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from litestar.channels import ChannelsBackend, ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from pydotorg.server.health import draining
from pydotorg.settings import Settings
from pydotorg.web.live import STAFF_CHANNEL, LiveHub, ResilientBackend


async def _publish_once(url: str, wait: float, data: bytes, channels: list[str]) -> None:
    """PUBLISH over a connection of its own (a process whose app is not serving has no event loop of the app's)."""
    redis = Redis.from_url(url, socket_connect_timeout=wait, socket_timeout=wait)
    try:
        for channel in channels:
            await redis.publish(channel, data)
    finally:
        await redis.aclose()


def build_live(settings: Settings, engine: Callable[[], AsyncEngine]) -> tuple[ChannelsPlugin, LiveHub]:
    make_inner: Callable[[], ChannelsBackend]
    if settings.redis_url:
        url, timeout = settings.redis_url, settings.redis_timeout

        def make_inner() -> ChannelsBackend:
            # no read timeout: a subscription is idle most of the time; the health check finds a dead connection
            redis = Redis.from_url(url, socket_connect_timeout=timeout, health_check_interval=10)
            return RedisChannelsPubSubBackend(redis=redis, key_prefix="pydotorg:live")

        detached = partial(_publish_once, url, timeout)
    else:
        make_inner, detached = MemoryChannelsBackend, None  # in memory only the serving process could listen
    backend = ResilientBackend(make_inner, retry_after=settings.redis_retry_after, detached=detached)
    plugin = ChannelsPlugin(backend=backend, channels=[STAFF_CHANNEL], subscriber_max_backlog=1000)
    return plugin, LiveHub(plugin, backend, engine, draining=draining)
