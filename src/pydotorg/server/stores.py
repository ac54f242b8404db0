"""Stores for sessions, caches and counters: Redis when configured, files under ``var/`` otherwise."""

from __future__ import annotations

from litestar.stores.base import NamespacedStore
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry

from pydotorg.domain.users.auth import SESSION_STORE
from pydotorg.lib.stores import Breaker, Policy, ResilientStore, redis_client
from pydotorg.settings import Settings

#: Namespaces whose content must not silently move into one instance's memory when Redis is unreachable: a
#: session kept by one instance only would sign a visitor in and out as the balancer moves them.
STRICT: dict[str, Policy] = {SESSION_STORE: "strict"}


def build_root_store(settings: Settings) -> NamespacedStore:
    if settings.redis_url:
        redis = RedisStore(
            redis_client(settings.redis_url, timeout=settings.redis_timeout),
            namespace="pydotorg",
            handle_client_shutdown=True,
        )
        return ResilientStore(redis, breaker=Breaker(retry_after=settings.redis_retry_after), policies=STRICT)
    settings.store_path.mkdir(parents=True, exist_ok=True)
    return FileStore(path=settings.store_path, create_directories=True)


def build_store_registry(settings: Settings) -> StoreRegistry:
    """Every named store is a namespace of one root store (one Redis, or one folder)."""
    root = build_root_store(settings)
    return StoreRegistry(default_factory=root.with_namespace)
