"""Version tokens: a value in the shared store that changes whenever what it guards changes.

Processes keep copies of shared things (the site-content snapshot, cached responses) and compare the token each
copy was made under with the current one. Reading the token must cost far less than what it guards, so a
:class:`VersionStore` keeps the last token it read and how to tell whether it still holds:

* over a file store (embedded mode: every process on one machine), the token is a 16-byte file read on every
  check (a few microseconds), so it is exact across processes;
* over Redis (several instances), the token is read again at most every ``interval`` seconds, and at once after
  this process writes it: a change made by another instance is seen within ``interval`` seconds.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
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


class VersionStore(Store):
    """A store of version tokens that remembers what it read; every other call goes to ``inner``.

    Over a file store the token is a small file of its own (``<key>.token`` in the store's folder), written by
    atomic replacement and read on every check: a file's identity (inode, modification time) cannot tell two quick
    writes apart, since the kernel stamps times at a few milliseconds' granularity and reuses freed inodes."""

    def __init__(self, inner: Store, *, interval: float = 0.25) -> None:
        self.inner = inner
        self.interval = interval
        self._folder = os.fspath(inner.path) if isinstance(inner, FileStore) else None
        self._known: dict[str, _Known] = {}

    def _token_file(self, key: str) -> str:
        assert self._folder is not None
        return os.path.join(self._folder, f"{key}.token")

    def _read_file(self, key: str) -> bytes | None:
        try:
            with open(self._token_file(key), "rb") as found:
                return found.read(64).strip() or None
        except OSError:
            return None

    def _write_file(self, key: str, token: bytes) -> None:
        assert self._folder is not None
        os.makedirs(self._folder, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._folder, prefix=f"{key}.token.")
        try:
            with os.fdopen(handle, "wb") as written:
                written.write(token)
            os.replace(temporary, self._token_file(key))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def fresh(self, key: str = VERSION_KEY) -> bytes | None:
        """The token when it is known without waiting on the store; None when :meth:`current` must read it."""
        if self._folder is not None:
            return self._read_file(key)
        known = self._known.get(key)
        if known is None:
            return None
        return known.token if time.monotonic() - known.checked < self.interval else None

    async def current(self, key: str = VERSION_KEY) -> bytes:
        """The current token (a new one is written when there is none yet)."""
        token = self.fresh(key)
        if token is not None:
            return token
        if self._folder is not None:  # no token file yet (or its folder was emptied)
            return await self.bump(key)
        checked = time.monotonic()
        token = await self.inner.get(key)
        if token is None:
            return await self.bump(key)
        self._known[key] = _Known(token, checked)
        return token

    async def bump(self, key: str = VERSION_KEY) -> bytes:
        """Write a new token: every copy made under an earlier one is out of date."""
        token = secrets.token_hex(8).encode()
        if self._folder is not None:
            self._write_file(key, token)
        else:
            await self.inner.set(key, token)
            self._known[key] = _Known(token, time.monotonic())
        return token

    # -- the Store interface (over a file store, on the token files) ---------------------------------------------
    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        if self._folder is not None:
            return self._read_file(key)
        return await self.inner.get(key, renew_for)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        self._known.pop(key, None)
        if self._folder is not None:
            self._write_file(key, value.encode() if isinstance(value, str) else value)
            return
        await self.inner.set(key, value, expires_in)

    async def delete(self, key: str) -> None:
        self._known.pop(key, None)
        if self._folder is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._token_file(key))
            return
        await self.inner.delete(key)

    async def delete_all(self) -> None:
        self._known.clear()
        await self.inner.delete_all()  # a file store empties its whole folder, token files included

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        if self._folder is not None:
            return None  # tokens do not expire
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
