"""Stores for sessions, caches and counters: Redis when configured, files under ``var/`` otherwise."""

from __future__ import annotations

from litestar.stores.base import NamespacedStore
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry

from pydotorg.settings import Settings


def build_root_store(settings: Settings) -> NamespacedStore:
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace="pydotorg")
    settings.store_path.mkdir(parents=True, exist_ok=True)
    return FileStore(path=settings.store_path, create_directories=True)


def build_store_registry(settings: Settings) -> StoreRegistry:
    """Every named store is a namespace of one root store (one Redis, or one folder)."""
    root = build_root_store(settings)
    return StoreRegistry(default_factory=root.with_namespace)
