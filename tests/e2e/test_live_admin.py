"""Live updates in the staff admin, in two browsers at once: a moderator sees a job arrive that another user just
submitted, without reloading; two editors of one CMS page see each other, and the later save is refused."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from tests.e2e.conftest import LiveSite, make_site_user
from tests.e2e.test_accounts import _login, _watch

pytestmark = pytest.mark.e2e

MAKE_STAFF = """
import asyncio, sys
from pydotorg.app import create_app
from pydotorg.domain.users.services import create_user

async def main(username, password):
    app = create_app()
    async with app.state.db_config.get_session() as session:
        await create_user(session, username=username, email=username + "@example.org", password=password,
                          verified=True, is_staff=True, is_superuser=True)
        await session.commit()
    await app.state.db_config.get_engine().dispose()

asyncio.run(main(*sys.argv[1:]))
"""


def test_a_moderator_sees_a_submitted_job_arrive(live_site: LiveSite, browser: Any) -> None:
    base = live_site.base
    make_site_user(live_site, "live-recruiter", "live-recruiter@example.org", "hiring live pythonistas")
    moderator = browser.new_context().new_page()
    problems = _watch(moderator)
    _login(moderator, base, "demo-staff", live_site.staff_password)
    moderator.goto(f"{base}/admin/")
    queue = moderator.locator(".admin-live li[data-queue=jobs]")
    queue.wait_for()
    before = int(queue.locator(".admin-live-count").inner_text())

    submitter = browser.new_context().new_page()
    problems += _watch(submitter)
    _login(submitter, base, "live-recruiter", "hiring live pythonistas")
    submitter.goto(f"{base}/jobs/create/")
    submitter.fill("#job_title", "Realtime Python Engineer")
    submitter.fill("#company_name", "Sockets Ltd")
    submitter.select_option("#category", label="Software Engineer")
    submitter.check("input[name=job_types] >> nth=0")
    submitter.fill("#city", "Lisbon")
    submitter.fill("#country", "Portugal")
    submitter.fill("#description", "Push updates to *browsers*.")
    submitter.fill("#requirements", "- asyncio")
    submitter.fill("#email", "sockets@example.org")
    submitter.click("form.job-form button[type=submit]")
    submitter.click("button:has-text('Submit for review')")
    assert submitter.url.endswith("/jobs/thanks/")

    # no reload on the moderator's side: the socket brings the new count and the job's link
    moderator.locator(".admin-live a", has_text="Realtime Python Engineer").wait_for(timeout=10_000)
    assert int(queue.locator(".admin-live-count").inner_text()) == before + 1
    assert problems == []


def test_two_editors_see_each_other_and_the_later_save_is_refused(live_site: LiveSite, browser: Any) -> None:
    base = live_site.base
    subprocess.run(
        [sys.executable, "-c", MAKE_STAFF, "second-editor", "editing live pythonistas"],
        env=live_site.env, check=True, timeout=60,
    )  # fmt: skip
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    problems = _watch(first) + _watch(second)
    _login(first, base, "demo-staff", live_site.staff_password)
    _login(second, base, "second-editor", "editing live pythonistas")
    first.goto(f"{base}/admin/pages/page/")
    url = first.locator("table.admin-table tbody th a").first.get_attribute("href")
    first.goto(f"{base}{url}")
    second.goto(f"{base}{url}")
    first.locator(".admin-presence", has_text="second-editor").wait_for(timeout=10_000)
    second.locator(".admin-presence", has_text="demo-staff").wait_for(timeout=10_000)

    second.fill("#content", "Saved first, by the second editor.")
    second.click("button[name=_continue]")
    assert second.locator(".messages .success").count() == 1

    first.fill("#content", "Saved later, from an older copy.")
    first.click("button[name=_continue]")
    assert "changed by second-editor" in first.locator(".error-summary, .form-errors").first.inner_text()
    assert "Saved first, by the second editor." in first.locator(".admin-diff").first.inner_text()
    assert first.input_value("#content") == "Saved later, from an older copy."  # nothing typed is lost
    assert problems == []
