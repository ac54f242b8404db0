"""Version tokens: a value in the shared store that changes whenever what it guards changes.

Processes keep copies of shared things (the site-content snapshot, cached responses) and compare the token each
copy was made under with the current one. Reading the token must cost far less than what it guards, so a
:class:`VersionStore` keeps the last token it read and how to tell whether it still holds:

* over a file store (embedded mode: every process on one machine), the token file's identity (inode, modification
  time, size) is compared on every check: one ``stat`` call, and exact across processes, since a write replaces the
  file;
* over Redis (several instances), the token is read again at most every ``interval`` seconds, and at once after
  this process writes it: a change made by another instance is seen within ``interval`` seconds.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from litestar.stores.base import Store
from litestar.stores.file import FileStore

#: The key a versioned store keeps its token under.
VERSION_KEY = "version"


@dataclass
class _Known:
    token: bytes
    checked: float
    stamp: tuple[int, int, int] | None


class VersionStore(Store):
    """A store of version tokens that remembers what it read; every other call goes to ``inner``."""

    def __init__(self, inner: Store, *, interval: float = 0.25) -> None:
        self.inner = inner
        self.interval = interval
        self._files = isinstance(inner, FileStore)
        self._known: dict[str, _Known] = {}
        self._paths: dict[str, str] = {}

    def _stamp(self, key: str) -> tuple[int, int, int] | None:
        if not self._files:
            return None
        path = self._paths.get(key)
        if path is None:
            assert isinstance(self.inner, FileStore)
            path = self._paths[key] = os.fspath(self.inner._path_from_key(key))  # where FileStore keeps it
        try:
            found = os.stat(path)
        except OSError:
            return None
        return (found.st_ino, found.st_mtime_ns, found.st_size)

    def fresh(self, key: str = VERSION_KEY) -> bytes | None:
        """The token when it is known to be current without waiting on the store; None when :meth:`current` must
        read it."""
        known = self._known.get(key)
        if known is None:
            return None
        if self._files:
            stamp = self._stamp(key)
            return known.token if stamp is not None and stamp == known.stamp else None
        return known.token if time.monotonic() - known.checked < self.interval else None

    async def current(self, key: str = VERSION_KEY) -> bytes:
        """The current token (a new one is written when there is none yet)."""
        token = self.fresh(key)
        if token is not None:
            return token
        stamp = self._stamp(key)  # before the read: a write in between only makes the next check read again
        checked = time.monotonic()
        token = await self.inner.get(key)
        if token is None:
            return await self.bump(key)
        self._known[key] = _Known(token, checked, stamp)
        return token

    async def bump(self, key: str = VERSION_KEY) -> bytes:
        """Write a new token: every copy made under an earlier one is out of date."""
        token = secrets.token_hex(8).encode()
        await self.inner.set(key, token)
        if self._files:  # another process may have written since: remember what the file holds now
            self._known.pop(key, None)
            stamp = self._stamp(key)
            found = await self.inner.get(key)
            if found is not None:
                self._known[key] = _Known(found, time.monotonic(), stamp)
        else:
            self._known[key] = _Known(token, time.monotonic(), None)
        return token

    # -- the Store interface --------------------------------------------------------------------------------------
    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self.inner.get(key, renew_for)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        self._known.pop(key, None)
        await self.inner.set(key, value, expires_in)

    async def delete(self, key: str) -> None:
        self._known.pop(key, None)
        await self.inner.delete(key)

    async def delete_all(self) -> None:
        self._known.clear()
        await self.inner.delete_all()

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(key)

    async def expires_in(self, key: str) -> int | None:
        return await self.inner.expires_in(key)


async def read_version(store: Store, key: str = VERSION_KEY) -> bytes:
    """The current token of ``store`` (a :class:`VersionStore` answers from what it knows when it can)."""
    if isinstance(store, VersionStore):
        return await store.current(key)
    token = await store.get(key)
    return token if token is not None else await bump_version(store, key)


async def bump_version(store: Store, key: str = VERSION_KEY) -> bytes:
    """Write a new token into ``store``."""
    if isinstance(store, VersionStore):
        return await store.bump(key)
    token = secrets.token_hex(8).encode()
    await store.set(key, token)
    return token
