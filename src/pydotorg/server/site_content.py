"""Boxes, the menu tree and banners: loaded once per process, shared by every page, reloaded on change.

Templates render synchronously, so the fragments they need are read ahead of time. A version token lives in
the shared store (Redis in production); any process that edits a box, the menu or a banner writes a new token,
and every process reloads its snapshot the next time it sees a different one. Nothing another instance needs
is kept only in process memory.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from litestar.stores.base import Store
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.domain.banners.queries import ActiveBanner, load_active_banners, pick_banner
from pydotorg.domain.boxes.queries import load_boxes
from pydotorg.domain.navigation.menu import MenuTree, load_menu

logger = logging.getLogger(__name__)

VERSION_KEY = "version"
STORE_NAME = "sitecontent"


@dataclass(frozen=True)
class SiteContent:
    boxes: dict[str, str] = field(default_factory=dict)
    menu: MenuTree = field(default_factory=MenuTree)
    banners: list[ActiveBanner] = field(default_factory=list)

    def box(self, label: str) -> Markup:
        try:
            return Markup(self.boxes[label])  # noqa: S704 - rendered and sanitised when the box was saved
        except KeyError:
            logger.warning("box %r does not exist", label)
            return Markup("")

    def banner(self, *, psf_page: bool = False) -> ActiveBanner | None:
        return pick_banner(self.banners, psf_page=psf_page)


async def bump_version(store: Store) -> bytes:
    token = secrets.token_hex(8).encode()
    await store.set(VERSION_KEY, token)
    return token


class SiteContentCache:
    def __init__(self, store: Store, session_factory: Callable[[], AsyncSession]) -> None:
        self.store = store
        self.session_factory = session_factory
        self._version: bytes | None = None
        self._content: SiteContent | None = None
        self._lock = asyncio.Lock()
        #: Also run when the content changes (the app clears its response cache there).
        self.on_invalidate: Callable[[], Awaitable[None]] | None = None

    async def get(self) -> SiteContent:
        version = await self.store.get(VERSION_KEY)
        if version is None:
            version = await bump_version(self.store)
        if self._content is not None and version == self._version:
            return self._content
        async with self._lock:
            if self._content is None or version != self._version:
                self._content = await self._load()
                self._version = version
        return self._content

    async def invalidate(self) -> None:
        await bump_version(self.store)
        if self.on_invalidate is not None:
            await self.on_invalidate()

    async def _load(self) -> SiteContent:
        async with self.session_factory() as session:
            return SiteContent(
                boxes=await load_boxes(session),
                menu=await load_menu(session),
                banners=await load_active_banners(session),
            )
