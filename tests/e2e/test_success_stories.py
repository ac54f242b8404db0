"""Browser journey of a success story on a real Granian server: a member submits one, the PSF staff publish it in
the admin, and visitors find it on /success-stories/ and through the site search. The home page, seeded with the
demo content, is photographed with every part python.org shows there."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, LiveSite, make_site_user
from tests.e2e.test_accounts import _login, _watch

pytestmark = pytest.mark.e2e

STORY = "Zebrafish genomics pipelines"


def test_submit_publish_list_and_search_a_story(live_site: LiveSite, browser: Any) -> None:
    base = live_site.base
    make_site_user(live_site, "storyteller", "storyteller@example.org", "pythonic stories 2027")

    member = browser.new_context().new_page()
    problems = _watch(member)
    _login(member, base, "storyteller", "pythonic stories 2027")
    member.goto(f"{base}/success-stories/create/")
    member.fill("#name", STORY)
    member.fill("#company_name", "Striped Labs <b>Inc</b>")
    member.fill("#company_url", "https://striped.example/")
    member.select_option("#category", index=1)
    member.fill("#author", "Dr. Stripe")
    member.fill("#author_email", "stripe@striped.example")
    member.fill("#pull_quote", "Python turned our zebrafish sequencing into an afternoon's work.")
    member.fill("#content", "We replaced *four* shell scripts with one Python package.")
    member.click("form.story-form button[type=submit]")
    member.locator(".messages").wait_for(timeout=5000)

    visitor = browser.new_context().new_page()
    problems += _watch(visitor)
    visitor.goto(f"{base}/success-stories/")
    assert STORY not in visitor.content()  # stored unpublished

    staff = browser.new_context().new_page()
    problems += _watch(staff)
    _login(staff, base, "demo-staff", live_site.staff_password)
    staff.wait_for_url(f"{base}/")
    staff.goto(f"{base}/admin/successstories/story/")
    staff.fill("#admin-q", "Zebrafish")
    staff.click("form.admin-search button")
    staff.click(".admin-table th[scope=row] a")
    staff.check("#is_published")
    staff.click("button[name=_save]")
    staff.locator(".messages", has_text="was changed successfully").wait_for(timeout=5000)

    # another visitor (the first one's browser may keep the list for its five minutes of max-age)
    visitor = browser.new_context().new_page()
    problems += _watch(visitor)
    visitor.goto(f"{base}/success-stories/")
    visitor.locator("a", has_text=STORY).first.click()
    assert visitor.locator("h1", has_text=STORY).is_visible()
    # the HTML the member typed is shown as text, never as markup
    assert visitor.locator(".story-meta b").count() == 0 and "<b>Inc</b>" in visitor.inner_text(".story-meta")
    assert visitor.locator(".story-content em", has_text="four").is_visible()
    visitor.goto(f"{base}/search/?q=zebrafish")
    assert visitor.locator(".search-results a", has_text=STORY).count() >= 1
    assert problems == []


def test_home_page_shows_every_part_and_is_photographed(live_server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = _watch(page)
    page.goto(f"{live_server}/")
    # python.org's home page, part by part: introduction and code samples with their pager, the four widgets,
    # latest news, upcoming events, a success story, "Use Python for", the PSF band
    for selector in (
        ".introduction",
        ".code-samples .code-sample",
        ".code-samples-nav a",
        ".get-started-widget",
        ".download-widget",
        ".documentation-widget",
        ".jobs-widget",
        ".blog-widget li a",
        ".event-widget li a",
        ".success-stories-widget .success-quote",
        ".applications-widget",
        ".psf-widget",
    ):
        assert page.locator(selector).first.is_visible(), selector
    assert page.locator(".blog-widget li").count() == 5
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-1280.png"), full_page=True)
    assert problems == []
