"""schemathesis against the published OpenAPI document (``/schema/openapi.json``): every API operation, with
generated parameters and bodies, as a staff user holding the release managers' and pages' permissions (so writes
reach validation and the database). The bar: no 5xx, and every response conforms to the document — status code,
content type and body schema. Bounded: a few examples per operation, so the module takes a minute per backend."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from pydotorg.app import create_app
from pydotorg.db.models import ApiKey, Token, User
from pydotorg.settings import Settings
from tests.conftest import (
    delete_user,
    grant,
    make_user,
)

pytestmark = pytest.mark.usefixtures("backend")
FUZZER = "api-fuzzer"
EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


async def _credentials(app: Litestar) -> dict[str, str]:
    await make_user(app, FUZZER, is_staff=True)
    perms = tuple(f"pages.{action}_page" for action in ("add", "change", "delete"))
    await grant(app, FUZZER, groups=("Release Managers",), perms=perms)
    async with app.state.db_config.get_session() as session:
        user_id = (await session.execute(select(User.id).where(User.username == FUZZER))).scalar_one()
        key = (await session.execute(select(ApiKey.key).where(ApiKey.user_id == user_id))).scalar_one()
        token = (await session.execute(select(Token.key).where(Token.user_id == user_id))).scalar_one()
    return {"v1": f"ApiKey {FUZZER}:{key}", "v2": f"Token {token}"}


async def _clean_up(app: Litestar) -> None:
    await delete_user(app, FUZZER)
    await app.state.db_config.get_engine().dispose()


@pytest.fixture
def fuzz_settings(isolated_settings: Callable[..., Settings]) -> Settings:
    # schemathesis's ASGI client names "testserver"; thousands of requests from one identity
    return isolated_settings(
        allowed_hosts=["testserver", "localhost"], api_v1_rate_limit=10**6, api_v2_rate_limit=10**6
    )


def test_api_operations_answer_as_documented(fuzz_settings: Settings) -> None:
    app = create_app(fuzz_settings)
    credentials = asyncio.run(_credentials(app))
    failures: list[str] = []
    calls = Counter[str]()
    try:
        schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app).include(path_regex=r"^/api/v[12]/")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 40  # every resource's list, detail, writes, set/ and schema/ of both versions
        writes = [op for op in operations if op.method.upper() in {"POST", "PUT", "PATCH"}]
        assert writes and all(op.body for op in writes), "every write documents its request body"
        for operation in operations:
            auth = {"Authorization": credentials["v1" if operation.path.startswith("/api/v1/") else "v2"]}

            @given(case=operation.as_strategy())
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def run(case: Any) -> None:
                response = case.call(headers=auth)  # noqa: B023 - run() is called in this iteration
                calls[str(response.status_code)] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:  # collected: one report for every operation
                    for exc in group.exceptions:
                        title = getattr(exc, "title", type(exc).__name__)
                        failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {title}")

            run()
    finally:
        asyncio.run(_clean_up(app))
    print(f"schemathesis: {len(operations)} operations, {sum(calls.values())} calls, statuses {dict(calls)}")
    assert sum(calls.values()) >= len(operations)
    assert not failures, sorted(set(failures))[:40]
