"""Every v1 and v2 filter, with every lookup Django allows and some it does not, answers a 200 or a 400 — never a
500 (issue: ``version__startswith=3`` raised a TypeError in the v1 clause builder)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from pydotorg.app import create_app
from pydotorg.domain.api.resources import REGISTRY
from pydotorg.domain.api.v1 import ALL_LOOKUPS
from pydotorg.settings import Settings

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
async def client(seeded_settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """Thousands of requests from one address: the API rate limits are raised for this module."""
    settings = seeded_settings.model_copy(update={"api_v1_rate_limit": 10**6, "api_v2_rate_limit": 10**6})
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client
        await app.stores.get("ratelimit").delete_all()  # the counters are shared with the next tests (Redis)
    await app.state.db_config.get_engine().dispose()


#: lookups Django has that tastypie refuses here, and nonsense
EXTRA_LOOKUPS = ("regex", "iregex", "search", "date", "week_day", "bogus", "")
AWKWARD = ("3", "-1", "0", "2**63", "99999999999999999999", "true", "None", "", "%", "_", "a,b", "1,", ",",
           "2024-02-30", "2024-01-01T00:00:00", "\x00", "é", "' OR 1=1 --")  # fmt: skip


def _v1_filters() -> list[tuple[str, str, str]]:
    keys = []
    for name, resource in sorted(REGISTRY.items()):
        for field in sorted(resource.fields):
            for lookup in (*sorted(ALL_LOOKUPS), *EXTRA_LOOKUPS):
                keys.append((name, field, f"{field}__{lookup}" if lookup else field))
            if field in resource.relations:
                keys.append((name, field, f"{field}__name__startswith"))
                keys.append((name, field, f"{field}__id__in"))
    return keys


V1_KEYS = _v1_filters()


def _ok(response: Any) -> bool:
    if response.status_code == 400 and "NUL character" in response.text:
        return True  # refused before any handler (server/hosts.py)
    return response.status_code in {200, 400} and response.headers["content-type"].startswith("application/json")


async def test_v1_every_filter_and_lookup_answers_200_or_400(client: AsyncTestClient[Litestar]) -> None:
    failures = []
    for index, (name, _field, key) in enumerate(V1_KEYS):
        # every key with a number, and with one awkward value each, in turn
        for value in ("3", AWKWARD[index % len(AWKWARD)]):
            response = await client.get(f"/api/v1/{name}/", params={key: value})
            if not _ok(response):
                failures.append((name, key, value, response.status_code))
    assert not failures, failures[:20]


async def test_v1_version_startswith(client: AsyncTestClient[Litestar]) -> None:
    """Django casts the column to text for pattern lookups: ``version__startswith=3`` is every 3.x release."""
    body = (await client.get("/api/v1/downloads/release/", params={"version__startswith": "3", "limit": 0})).json()
    assert body["objects"], "the seed has Python 3 releases"
    assert {obj["version"] for obj in body["objects"]} == {3}
    other = (await client.get("/api/v1/downloads/release/", params={"version__startswith": "x"})).json()
    assert other["objects"] == []


async def test_v2_every_filter_answers_200_or_400(client: AsyncTestClient[Litestar]) -> None:
    failures = []
    for name, resource in sorted(REGISTRY.items()):
        path = f"/api/v2/{name.split('/')[0]}/{resource.model_name}/"
        for key in (*sorted(resource.v2_filters), "bogus", "format"):
            for value in AWKWARD:
                response = await client.get(path, params={key: value})
                if response.status_code not in {200, 400, 404}:
                    failures.append((name, key, value, response.status_code))
    assert not failures, failures[:20]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    key=st.sampled_from([key for _, _, key in V1_KEYS]),
    value=st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
)
async def test_v1_filters_property(client: AsyncTestClient[Litestar], key: str, value: str) -> None:
    for name in REGISTRY:
        response = await client.get(f"/api/v1/{name}/", params={key: value})
        assert response.status_code < 500, (name, key, value, response.text)
