"""Each section as python.org draws it, at desktop (1280 px) and phone (390 px) widths: a screenshot of every page
into ``var/test-artifacts/``, the elements that make the layout (menu highlight, carousel pager, download buttons,
the jobs sub-menu, breadcrumb and sidebar), and an automated WCAG 2.1 AA check with axe-core (vendored from npm)
that must find no serious or critical violation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ARTIFACTS, LiveSite, make_site_user
from tests.e2e.test_accounts import _login, _watch

pytestmark = pytest.mark.e2e
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = {"desktop": 1280, "phone": 390}
#: page -> (path, selectors that must be present, the main-menu item or top-bar item that must be highlighted)
PAGES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "home": ("/", (".code-samples-nav a", ".blog-widget li a", ".event-widget li a"), ".meta-python-meta.meta-active"),
    "downloads": ("/downloads/", (".download-os-buttons a.button", "table.active-releases a", ".release-list-header", ".release-list-scroll li", ".download-history"), "Downloads"),
    "release": ("/downloads/release/python-3150/", (".release-download-buttons a.button", "table.release-files"), "Downloads"),
    "events": ("/events/", (".event-item .event-date time", ".event-location a", ".events-sidebar h2"), "Events"),
    "jobs": ("/jobs/", (".jobs-submenu a", ".jobs-banner"), ".meta-jobs-meta.meta-active"),
    "cms": ("/psf/membership/", (".breadcrumbs li a", ".section-sidebar a"), ".meta-psf-meta.meta-active"),
}  # fmt: skip


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        """async () => (await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [v for v in result if v["impact"] in {"serious", "critical"}]


@pytest.mark.parametrize("width", WIDTHS)
def test_sections_look_like_python_org_and_pass_axe(live_site: LiveSite, browser: Any, width: str) -> None:
    # bypass_csp: lets the test inject axe-core; the site's own pages still run under its CSP
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900}, bypass_csp=True)
    page = context.new_page()
    problems = _watch(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    violations: dict[str, list[dict[str, Any]]] = {}
    for name, (path, selectors, current) in PAGES.items():
        page.goto(f"{live_site.base}{path}")
        for selector in selectors:
            assert page.locator(selector).count() > 0, (name, selector)
        if current.startswith("."):
            assert page.locator(current).count() == 1, (name, current)
        else:
            assert page.locator(".main-navigation .tier-1.selected > a").inner_text().strip() == current, name
        assert page.locator("a.skip-link[href='#site-content']").count() == 1
        assert page.locator(".socialize summary").is_visible(), name
        if name == "home":  # the carousel's 1-5 pager, one per demo code sample
            assert page.locator(".code-samples-nav a").all_inner_texts() == ["1", "2", "3", "4", "5"]
        assert page.locator(".search-magnifier").is_visible(), name
        assert page.locator(".account a[href='/accounts/login/']").count() == 1, name  # in the HTML, not fetched
        page.screenshot(path=str(ARTIFACTS / f"{name}-{WIDTHS[width]}.png"), full_page=True)
        if found := _axe(page):
            violations[name] = found
    if width == "desktop":  # the typeface and the icons come from our own /static/, drawn in the page
        page.goto(f"{live_site.base}/")
        assert page.evaluate("document.fonts.check('16px \"Source Sans 3\"')")
        assert page.evaluate(
            "() => document.fonts.ready.then(() => [...document.fonts].some(f => f.status === 'loaded'))"
        )
        mask = page.evaluate("getComputedStyle(document.querySelector('.jobs-widget h2'), '::before').maskImage")
        assert "vendor/lucide/briefcase.svg" in mask, mask
    if width == "desktop":  # signed in, the header still holds one line: the account menu is a drop-down
        make_site_user(live_site, "looks", "looks@example.org", "looks passphrase 42")
        _login(page, live_site.base, "looks", "looks passphrase 42")
        page.wait_for_url(f"{live_site.base}/")
        page.locator(".account summary.user-menu-title").wait_for(timeout=5000)
        box = page.locator(".header-tools").bounding_box()
        assert box is not None and box["height"] < 60, box
        page.screenshot(path=str(ARTIFACTS / "home-signed-in-1280.png"))
    if width == "phone":  # the folded menu opens and its links are reachable
        page.goto(f"{live_site.base}/")
        page.click(".menu-toggle")
        assert page.locator("#mainnav .tier-1 > a").first.is_visible()
    context.close()
    assert not violations, json.dumps(violations, indent=1)
    assert problems == []
