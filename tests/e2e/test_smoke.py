"""A visitor's first journey: home page, a menu dropdown, a CMS page, and an unknown URL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e


def test_home_menu_cms_page_and_404(live_server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: errors.append(f"{req.url} failed"))

    page.goto(f"{live_server}/")
    assert page.title() == "Welcome to Python.org"
    assert page.locator(".meta-navigation a", has_text="PyPI").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)

    # Open the About dropdown: its subnav and the supernav box (loaded from /box/) appear.
    about = page.locator("#mainnav .tier-1", has=page.locator("> a", has_text="About"))
    about.hover()
    assert about.locator(".subnav a", has_text="Getting Started").is_visible()
    supernav = about.locator(".supernav")
    supernav.locator("h4").wait_for(state="visible", timeout=5000)
    assert "A language that keeps out of your way" in supernav.inner_text()

    # Follow the menu to a CMS page served by the catch-all.
    about.locator(".subnav a", has_text="Getting Started").click()
    page.wait_for_url(f"{live_server}/about/gettingstarted/")
    assert page.locator("h1.page-title").inner_text() == "Python For Beginners"

    # The account fragment was included client-side.
    assert page.locator(".account a", has_text="Sign in").is_visible()

    # An unknown URL shows the 404 page.
    response = page.goto(f"{live_server}/this/does/not/exist/")
    assert response is not None
    assert response.status == 404
    assert page.locator("h1", has_text="Error 404").is_visible()
    assert page.locator("a[href='/downloads/']").count() >= 1

    assert errors == []
    page.close()


def test_phone_width_folds_the_menu(live_server: str, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{live_server}/")
    nav = page.locator("#mainnav .navigation")
    assert not nav.is_visible()
    page.locator(".menu-toggle").click()
    assert nav.is_visible()
    assert page.locator("#mainnav .tier-1 > a", has_text="Downloads").is_visible()
    page.close()
