"""Page parts kept per process: rebuilt when the content version changes or their time is up, never when None."""

from __future__ import annotations

from types import SimpleNamespace

from litestar.stores.memory import MemoryStore

from pydotorg.lib.versions import VersionStore, bump_version
from pydotorg.web.fragments import Fragments, fragment


class Builder:
    def __init__(self, value: object = "part") -> None:
        self.calls = 0
        self.value = value

    async def __call__(self) -> object:
        self.calls += 1
        return self.value


async def test_a_part_is_built_once_per_content_version() -> None:
    versions = VersionStore(MemoryStore(), interval=3600)
    fragments = Fragments(versions, seconds=60)
    build = Builder()
    assert await fragments.get("home", build) == await fragments.get("home", build) == "part"
    assert build.calls == 1
    await bump_version(versions)  # a content change, here or (through the shared store) elsewhere
    await fragments.get("home", build)
    assert build.calls == 2


async def test_time_is_up_none_is_not_kept_and_zero_means_always_build() -> None:
    fragments = Fragments(MemoryStore(), seconds=60, max_parts=2)  # a plain store works too, read each time
    build = Builder()
    await fragments.get("a", build)
    token, _, value = fragments.parts["a"]
    fragments.parts["a"] = (token, 0.0, value)  # its minute has passed
    await fragments.get("a", build)
    assert build.calls == 2
    missing = Builder(None)
    assert await fragments.get("unknown", missing) is None
    assert await fragments.get("unknown", missing) is None
    assert missing.calls == 2 and "unknown" not in fragments.parts
    for key in ("b", "c"):
        await fragments.get(key, build)
    assert list(fragments.parts) == ["b", "c"]  # bounded: the least recently used went first
    off = Fragments(MemoryStore(), seconds=0)
    always = Builder()
    await off.get("a", always)
    await off.get("a", always)
    assert always.calls == 2 and not off.parts


async def test_a_view_not_kept_is_built_each_time_and_leaves_the_kept_part_alone() -> None:
    fragments = Fragments(MemoryStore(), seconds=60)
    connection = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(fragments=fragments)))
    public, staff = Builder("published"), Builder("with drafts")
    assert await fragment(connection, "story", public) == "published"  # type: ignore[arg-type]
    for _ in range(2):  # a staff view: built for them, never stored under the public key
        assert await fragment(connection, "story", staff, keep=False) == "with drafts"  # type: ignore[arg-type]
    assert await fragment(connection, "story", public) == "published"  # type: ignore[arg-type]
    assert (public.calls, staff.calls) == (1, 2)
