"""Each serving process freezes what its startup built, out of the cyclic collector's walk (server/heap.py)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from litestar.testing import AsyncTestClient

from pydotorg.app import create_app
from pydotorg.server.heap import freeze_startup_heap
from pydotorg.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite runs as the conftest's settings say: not frozen


@pytest.mark.usefixtures("unfrozen")
def test_freezing_moves_the_heap_out_of_the_walk_and_garbage_still_goes() -> None:
    frozen = freeze_startup_heap()
    assert frozen == gc.get_freeze_count() > 10_000  # the interpreter, the test run and its imports

    class Node:
        other: object = None

    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle made after the freeze is collected as before
    del first, second
    assert gc.collect() >= 2
    assert gc.get_freeze_count() == frozen


@pytest.mark.usefixtures("unfrozen")
async def test_the_app_freezes_its_heap_when_it_starts(seeded_settings: Settings) -> None:
    app = create_app(seeded_settings.model_copy(update={"gc_freeze": True}))
    assert gc.get_freeze_count() == 0  # building the app is not serving it
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        assert gc.get_freeze_count() > 0
        assert (await client.get("/")).status_code == 200
    await app.state.db_config.get_engine().dispose()


async def test_the_suite_runs_unfrozen(seeded_settings: Settings) -> None:
    assert seeded_settings.gc_freeze is False
    assert Settings.model_fields["gc_freeze"].default is True  # production freezes
