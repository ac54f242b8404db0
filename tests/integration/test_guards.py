"""The guards on a real app: login, staff, superuser, group (Django's "Job Board Admin") and permission."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy import insert, select

from pydotorg.app import create_app
from pydotorg.db.models import Group, Permission, User
from pydotorg.db.models.users import user_groups
from pydotorg.domain.users.cli import ensure_auth_data
from pydotorg.domain.users.guards import (
    JOB_BOARD_ADMIN_GROUP,
    requires_group,
    requires_login,
    requires_permission,
    requires_staff,
    requires_superuser,
)
from pydotorg.settings import Settings
from tests.conftest import delete_user, log_in, make_user

pytestmark = pytest.mark.usefixtures("backend")


@get("/guarded/login", guards=[requires_login], opt={"append_slash": False})
async def login_only() -> str:
    return "ok"


@get("/guarded/staff", guards=[requires_staff], opt={"append_slash": False})
async def staff_only() -> str:
    return "ok"


@get("/guarded/superuser", guards=[requires_superuser], opt={"append_slash": False})
async def superuser_only() -> str:
    return "ok"


@get("/guarded/jobs", guards=[requires_group(JOB_BOARD_ADMIN_GROUP, staff_allowed=True)], opt={"append_slash": False})
async def job_board() -> str:
    return "ok"


@get("/guarded/publisher", guards=[requires_permission("sponsors.sponsor_publisher")], opt={"append_slash": False})
async def publisher() -> str:
    return "ok"


@pytest.fixture
async def guarded_client(
    seeded_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    from pydotorg.server import sections
    from pydotorg.web.section import Section

    extra = Section(name="guarded", documents=[login_only, staff_only, superuser_only, job_board, publisher])
    monkeypatch.setattr(sections, "SECTIONS", [*sections.SECTIONS, extra])
    app = create_app(seeded_settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        yield client
    await app.state.db_config.get_engine().dispose()


PATHS = ["/guarded/login", "/guarded/staff", "/guarded/superuser", "/guarded/jobs", "/guarded/publisher"]


async def _statuses(client: AsyncTestClient[Litestar]) -> list[int]:
    return [(await client.get(path, follow_redirects=False)).status_code for path in PATHS]


async def test_guards(guarded_client: AsyncTestClient[Litestar], app: Litestar) -> None:
    client = guarded_client
    assert await _statuses(client) == [302, 302, 302, 302, 302]
    users = {
        "g-plain": {},
        "g-staff": {"is_staff": True},
        "g-super": {"is_superuser": True},
        "g-jobs": {},
        "g-pub": {},
    }
    ids = {name: await make_user(app, name, **flags) for name, flags in users.items()}  # type: ignore[arg-type]
    try:
        async with app.state.db_config.get_session() as session:
            await ensure_auth_data(session)
            group_id = (await session.execute(select(Group.id).where(Group.name == JOB_BOARD_ADMIN_GROUP))).scalar_one()
            await session.execute(insert(user_groups).values(user_id=ids["g-jobs"], group_id=group_id))
            perm = (
                await session.execute(select(Permission).where(Permission.codename == "sponsor_publisher"))
            ).scalar_one()
            (await session.get_one(User, ids["g-pub"])).user_permissions = [perm]
            await session.commit()
        expected = {
            "g-plain": [200, 403, 403, 403, 403],
            "g-staff": [200, 200, 403, 200, 403],
            "g-super": [200, 200, 200, 200, 200],
            "g-jobs": [200, 403, 403, 200, 403],
            "g-pub": [200, 403, 403, 403, 200],
        }
        for name, statuses in expected.items():
            client.cookies.clear()
            await log_in(client, name)
            assert await _statuses(client) == statuses, name
        # a deactivated superuser's session stops working at once
        client.cookies.clear()
        await log_in(client, "g-super")
        async with app.state.db_config.get_session() as session:
            (await session.get_one(User, ids["g-super"])).is_active = False
            await session.commit()
        assert await _statuses(client) == [302, 302, 302, 302, 302]
    finally:
        client.cookies.clear()
        for name in users:
            await delete_user(app, name)
