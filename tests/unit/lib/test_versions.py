"""Version tokens: exact across processes on one machine (a file's identity), bounded by an interval over Redis."""

from __future__ import annotations

import asyncio
from pathlib import Path

from litestar.stores.file import FileStore
from litestar.stores.memory import MemoryStore

from pydotorg.lib.versions import VersionStore, bump_version, read_version


async def test_file_tokens_are_exact_across_processes(tmp_path: Path) -> None:
    # Two processes of one embedded instance: two stores over one folder, each remembering what it read.
    mine = VersionStore(FileStore(tmp_path), interval=3600)
    theirs = VersionStore(FileStore(tmp_path), interval=3600)
    first = await mine.current()
    assert await theirs.current() == first
    assert mine.fresh() == first  # read from the token file, no store round trip
    second = await theirs.bump()
    assert second != first
    assert mine.fresh() == second  # the other process's write is seen at once, whatever the interval
    assert await mine.current() == second
    assert mine.fresh() == second


async def test_a_removed_token_file_is_read_again(tmp_path: Path) -> None:
    store = VersionStore(FileStore(tmp_path), interval=3600)
    first = await store.current()
    await store.inner.delete_all()  # a cleared folder
    assert store.fresh() is None
    assert await store.current() != first


async def test_shared_tokens_are_read_again_after_the_interval() -> None:
    shared = MemoryStore()  # stands for the one Redis both instances use
    a = VersionStore(shared, interval=0.05)
    b = VersionStore(shared, interval=0.05)
    first = await a.current()
    assert await b.current() == first
    second = await a.bump()
    assert a.fresh() == second  # the instance that changed it knows at once
    assert b.fresh() in (first, None)  # the other within the interval
    await asyncio.sleep(0.06)
    assert b.fresh() is None
    assert await b.current() == second


async def test_writes_through_the_store_interface_forget_what_was_known() -> None:
    store = VersionStore(MemoryStore(), interval=3600)
    await store.current()
    await store.set("version", b"set-elsewhere")
    assert await store.current() == b"set-elsewhere"
    assert await store.get("version") == b"set-elsewhere"
    assert await store.exists("version")
    assert await store.expires_in("version") == await store.inner.expires_in("version")
    await store.delete("version")
    assert await store.get("version") is None


async def test_plain_stores_work_too() -> None:
    store = MemoryStore()
    token = await read_version(store)
    assert await read_version(store) == token
    assert await bump_version(store) != token


async def test_quick_successive_writes_are_each_seen(tmp_path: Path) -> None:
    # Within one kernel timestamp tick, with inodes reused, a file's identity could repeat: the token itself is read.
    writer = VersionStore(FileStore(tmp_path), interval=3600)
    reader = VersionStore(FileStore(tmp_path), interval=3600)
    seen = []
    for _ in range(50):
        token = await writer.bump()
        seen.append(await reader.current())
        assert seen[-1] == token
    assert len(set(seen)) == 50


async def test_the_store_interface_over_token_files(tmp_path: Path) -> None:
    store = VersionStore(FileStore(tmp_path), interval=3600)
    assert await store.get("version") is None and not await store.exists("version")
    await store.set("version", "written")
    assert await store.get("version") == b"written" == await store.current()
    assert await store.expires_in("version") is None
    await store.delete("version")
    await store.delete("version")  # already gone: nothing to do
    assert await store.get("version") is None
