"""Site-wide content every page shows (boxes, the menu tree, banners): loaded once per process, reloaded on change.

Templates render synchronously, so what they need is read ahead of time into a snapshot. A version token lives in
the shared store (Redis in production); any process that edits a box, the menu or a banner writes a new token
(:func:`bump_version`), and every process reloads its snapshot once it sees a different one (at once on the same
machine, within ``PYDOTORG_VERSION_CHECK_SECONDS`` on another instance: ``lib/versions.py``). Nothing
another instance needs is kept only in process memory.

What the snapshot holds is composed by the app (``server/site_content.py``) from the sections that own it; this
module knows only how to cache and version it.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from litestar.stores.base import Store

from pydotorg.lib.versions import bump_version, read_version

STORE_NAME = "sitecontent"

T = TypeVar("T")

__all__ = ["STORE_NAME", "SiteContentCache", "bump_version", "ensure_site_content"]


class SiteContentCache(Generic[T]):
    def __init__(self, store: Store, load: Callable[[], Awaitable[T]]) -> None:
        self.store = store
        self.load = load
        self._version: bytes | None = None
        self._content: T | None = None
        self._lock = asyncio.Lock()
        #: Also run when the content changes (the app clears its response cache there).
        self.on_invalidate: Callable[[], Awaitable[None]] | None = None

    async def get(self) -> T:
        version = await read_version(self.store)
        if self._content is not None and version == self._version and not self._expired(self._content):
            return self._content
        async with self._lock:
            if self._content is None or version != self._version or self._expired(self._content):
                self._content = await self.load()
                self._version = version
        return self._content

    @staticmethod
    def _expired(content: Any) -> bool:
        """Content that depends on the date (sponsorships that start and end) says when it was loaded."""
        loaded_on = getattr(content, "loaded_on", None)
        return loaded_on is not None and loaded_on != datetime.datetime.now(datetime.UTC).date()

    async def invalidate(self) -> None:
        await bump_version(self.store)
        if self.on_invalidate is not None:
            await self.on_invalidate()


async def ensure_site_content(request: Any) -> Any:
    """The request's snapshot (loaded once per request); the app's ``SiteContent``."""
    content = getattr(request.state, "site", None)
    if content is None:
        content = await request.app.state.site_content.get()
        request.state.site = content
    return content
