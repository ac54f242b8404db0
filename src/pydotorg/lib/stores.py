"""Stores that keep the site answering while Redis is unreachable.

Every instance shares one Redis for sessions, the response cache, rate-limit counters and the site-content version.
When Redis stops answering, a :class:`ResilientStore` does not turn every request into a 500:

* ``fallback`` namespaces (the response cache, rate limits, site content) use an in-process memory store until
  Redis returns: pages are cached and requests counted per instance for a while, which is what an instance without
  Redis would do anyway;
* ``strict`` namespaces (sessions) answer "nothing stored": a visitor appears signed out, and writes are dropped
  with a warning. The login form asks :meth:`ResilientStore.available` first and refuses with a 503, so nobody is
  told they signed in when the session could not be kept.

A :class:`Breaker` shared by every namespace remembers that Redis failed: for ``retry_after`` seconds no request
waits on a connection attempt, then the next one tries Redis again; the first success closes the breaker. The
Redis client's own timeouts (``lib.stores.redis_client``) bound the attempt itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Literal, TypeVar

from litestar.stores.base import NamespacedStore, Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")
Policy = Literal["fallback", "strict"]
#: What an unreachable Redis raises (the client's own errors, or the socket's).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
#: The longest a fallback entry lives: another instance cannot clear this instance's memory when content changes.
FALLBACK_MAX_SECONDS = 30


def redis_client(url: str, *, timeout: float = 0.5) -> Redis:
    """A Redis client that gives up quickly: a request must not hang on a Redis that went away."""
    client: Redis = Redis.from_url(
        url,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        health_check_interval=15,
        retry_on_timeout=False,
    )
    return client


class Breaker:
    """Whether Redis is believed reachable; shared by every namespace of one root store."""

    def __init__(self, retry_after: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.retry_after = retry_after
        self.clock = clock
        self.open_until = 0.0
        self.failures = 0

    @property
    def closed(self) -> bool:
        return self.clock() >= self.open_until

    def failed(self, exc: BaseException) -> None:
        if self.failures == 0:
            logger.warning("Redis is unreachable (%s): serving from the instance until it returns", exc)
        self.failures += 1
        self.open_until = self.clock() + self.retry_after

    def succeeded(self) -> None:
        if self.failures:
            logger.warning("Redis is reachable again after %d failed attempts", self.failures)
        self.failures = 0
        self.open_until = 0.0


class ResilientStore(NamespacedStore):
    """A :class:`RedisStore` namespace with a policy for when Redis is unreachable (see the module docstring)."""

    def __init__(
        self,
        redis: RedisStore,
        *,
        policy: Policy = "fallback",
        breaker: Breaker | None = None,
        policies: dict[str, Policy] | None = None,
    ) -> None:
        self.redis = redis
        self.policy: Policy = policy
        self.breaker = breaker or Breaker()
        #: Namespace name -> policy, for the stores made by :meth:`with_namespace`.
        self.policies = policies or {}
        self.memory = MemoryStore()
        # NamespacedStore's own constructor would set ``namespace``; the Redis store holds it.
        self.namespace = redis.namespace

    def with_namespace(self, namespace: str) -> ResilientStore:
        return ResilientStore(
            self.redis.with_namespace(namespace),
            policy=self.policies.get(namespace, "fallback"),
            breaker=self.breaker,
            policies=self.policies,
        )

    async def __aexit__(self, *exc: object) -> None:
        await self.redis.__aexit__(None, None, None)

    async def available(self) -> bool:
        """Whether Redis answers now (a PING); used before promising a visitor anything stored."""
        return await self._call(self._ping, _false)

    async def _ping(self) -> bool:
        return bool(await self.redis._redis.ping())

    async def _call(self, operation: Callable[[], Awaitable[T]], otherwise: Callable[[], Awaitable[T]]) -> T:
        if self.breaker.closed:
            try:
                result = await operation()
            except UNREACHABLE as exc:
                self.breaker.failed(exc)
            else:
                self.breaker.succeeded()
                return result
        return await otherwise()

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        async def fallback() -> None:
            if self.policy == "strict":
                logger.warning("Redis is unreachable: %s:%s was not stored", self.namespace, key)
                return
            await self.memory.set(key, value, expires_in=_bounded(expires_in))

        await self._call(lambda: self.redis.set(key, value, expires_in=expires_in), fallback)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        async def fallback() -> bytes | None:
            return None if self.policy == "strict" else await self.memory.get(key)

        return await self._call(lambda: self.redis.get(key, renew_for=renew_for), fallback)

    async def delete(self, key: str) -> None:
        await self.memory.delete(key)
        await self._call(lambda: self.redis.delete(key), _none)

    async def delete_all(self) -> None:
        await self.memory.delete_all()
        await self._call(self.redis.delete_all, _none)

    async def exists(self, key: str) -> bool:
        async def fallback() -> bool:
            return self.policy != "strict" and await self.memory.exists(key)

        return await self._call(lambda: self.redis.exists(key), fallback)

    async def expires_in(self, key: str) -> int | None:
        async def fallback() -> int | None:
            return None if self.policy == "strict" else await self.memory.expires_in(key)

        return await self._call(lambda: self.redis.expires_in(key), fallback)


def _bounded(expires_in: int | timedelta | None) -> int:
    seconds = expires_in.total_seconds() if isinstance(expires_in, timedelta) else expires_in
    return int(min(seconds or FALLBACK_MAX_SECONDS, FALLBACK_MAX_SECONDS))


async def _none() -> None:
    return None


async def _false() -> bool:
    return False


async def store_available(store: Store) -> bool:
    """Whether ``store`` can keep what is written to it now (always, for stores that are not Redis-backed)."""
    if isinstance(store, ResilientStore):
        return await store.available()
    return True
