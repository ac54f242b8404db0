"""The home page's code samples (published only) and the work groups' admin."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select

from pydotorg.db.models import CodeSample, WorkGroup
from tests.conftest import delete_user, log_in, make_user, post_form
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("backend")


async def test_the_home_page_shows_published_code_samples(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    tag = unique("sample")
    async with app.state.db_config.get_session() as session:
        draft = CodeSample(code=f"<pre><code>print('{tag} draft')</code></pre>", copy="<p>Draft</p>")
        session.add(draft)
        await session.commit()
    try:
        home = await client.get("/")
        assert home.status_code == 200
        assert 'class="code-samples"' in home.text and "<h2>Compound data made simple</h2>" in home.text
        assert f"{tag} draft" not in home.text
        assert str(CodeSample(copy="<h2>Functions defined</h2><p>Define</p>")) == "Functions defined De"
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(CodeSample).where(CodeSample.id == draft.id))
            await session.commit()


async def test_staff_manage_work_groups_in_the_admin(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    name = unique("wg-admin")
    user_id = await make_user(app, name, is_staff=True, is_superuser=True)
    group = unique("Packaging work group")
    try:
        await log_in(client, name)
        assert (await client.get("/admin/work_groups/workgroup/")).status_code == 200
        created = await post_form(
            client,
            "/admin/work_groups/workgroup/add/",
            {
                "name": group,
                "slug": "",
                "active": "y",
                "short_description": "Packaging tools and standards.",
                "purpose": "Look after *packaging*.",
                "purpose_markup_type": "restructuredtext",
                "active_time_markup_type": "restructuredtext",
                "core_values_markup_type": "restructuredtext",
                "rules_markup_type": "restructuredtext",
                "communication_markup_type": "restructuredtext",
                "support_markup_type": "restructuredtext",
                "url": "https://example.org/packaging",
                "organizers": str(user_id),
            },
        )
        assert created.status_code == 302, created.text[:500]
        async with app.state.db_config.get_session() as session:
            row = (await session.execute(select(WorkGroup).where(WorkGroup.name == group))).scalar_one()
            assert row.slug and "<em>packaging</em>" in row.purpose_rendered
            await session.execute(delete(WorkGroup).where(WorkGroup.id == row.id))
            await session.commit()
    finally:
        await delete_user(app, name)
