"""Stores for sessions, caches and counters: Redis when configured, files under ``var/`` otherwise."""

from __future__ import annotations

from litestar.stores.base import NamespacedStore
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry

from pydotorg.domain.users.auth import SESSION_STORE
from pydotorg.lib.stores import Breaker, Policy, ResilientStore, redis_client
from pydotorg.lib.versions import VersionStore
from pydotorg.settings import Settings
from pydotorg.web.cache import VERSION_STORE_NAME
from pydotorg.web.site_content import STORE_NAME as SITE_CONTENT_STORE

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
    """Every named store is a namespace of one root store (one Redis, or one folder). The namespaces that hold
    version tokens remember what they read, so checking a token seldom waits on the store."""
    root = build_root_store(settings)
    stores = StoreRegistry(default_factory=root.with_namespace)
    for name in (SITE_CONTENT_STORE, VERSION_STORE_NAME):
        stores.register(name, VersionStore(root.with_namespace(name), interval=settings.version_check_seconds))
    return stores
