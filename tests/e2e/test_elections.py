"""Browser journey of a PSF Board election on a real Granian server (issue 20): staff open an election in the
admin, a member nominates herself, a second member nominates a third, staff link and approve, the third accepts,
nominations close, and the public nominees page lists exactly the approved, accepted nominees."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from tests.e2e.conftest import LiveSite, make_site_user
from tests.e2e.test_accounts import _login, _watch

pytestmark = pytest.mark.e2e

PASSWORD = "ballot box 2031 e2e"
ELECTION = "E2E Board Election"
SLUG = "e2e-board-election"


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _signed_in(browser: Any, base: str, username: str, password: str = PASSWORD) -> Any:
    page = browser.new_context().new_page()
    _login(page, base, username, password)
    page.wait_for_url(f"{base}/")
    return page


def _admin_action(page: Any, base: str, url: str, action: str) -> None:
    page.goto(f"{base}{url}")
    for box in page.locator("input[name=_selected]").all():
        box.check()
    page.select_option("#admin-action", action)
    page.click("p.admin-actions button[type=submit]")
    page.locator(".messages", has_text="approved").wait_for(timeout=5000)


def test_board_election_from_nomination_to_public_nominees(live_site: LiveSite, browser: Any) -> None:
    base = live_site.base
    for username in ("e2e-ada", "e2e-bob", "e2e-cy"):
        make_site_user(live_site, username, f"{username}@e2e.example", PASSWORD)
    now = datetime.datetime.now(datetime.UTC)

    staff = browser.new_context().new_page()
    problems = _watch(staff)
    _login(staff, base, "demo-staff", live_site.staff_password)
    staff.wait_for_url(f"{base}/")
    staff.goto(f"{base}/admin/nominations/election/add/")
    staff.fill("#name", ELECTION)
    staff.fill("#date", (now + datetime.timedelta(days=40)).strftime("%Y-%m-%d"))
    staff.select_option("#kind_id", label="PSF Board")
    staff.fill("#nominations_open_at", _stamp(now - datetime.timedelta(days=1)))
    staff.fill("#nominations_close_at", _stamp(now + datetime.timedelta(days=1)))
    staff.click("button[name=_save]")
    staff.locator(".messages", has_text="was added successfully").wait_for(timeout=5000)

    # Ada nominates herself: her profile needs her names first
    ada = _signed_in(browser, base, "e2e-ada")
    problems += _watch(ada)
    ada.goto(f"{base}/users/edit/")
    ada.fill("#first_name", "Ada")
    ada.fill("#last_name", "Byron")
    ada.click("form[action='/users/edit/'] button[type=submit]")
    ada.wait_for_load_state()
    ada.goto(f"{base}/nominations/election/{SLUG}/")
    ada.locator("a.button", has_text="Make a nomination").click()
    ada.fill("#name", "Ada Byron")
    ada.fill("#email", "e2e-ada@e2e.example")
    ada.check("input[name=previous_service][value=no]")
    ada.fill("#nomination_statement", "I will keep the **grants** flowing.")
    ada.check("#self_nomination")
    ada.check("#coc_acknowledged")
    ada.click("form.nomination-form button[type=submit]")
    ada.wait_for_url(re.compile(rf"{base}/nominations/{SLUG}/\d+/"))
    assert ada.locator(".nomination-statement strong", has_text="grants").is_visible()

    # Bob nominates Cy
    bob = _signed_in(browser, base, "e2e-bob")
    problems += _watch(bob)
    bob.goto(f"{base}/nominations/{SLUG}/create/")
    bob.fill("#name", "Cy Clops")
    bob.fill("#email", "e2e-cy@e2e.example")
    bob.check("input[name=previous_service][value=yes]")
    bob.check("input[name=previous_service_years][value='2024']")
    bob.fill("#nomination_statement", "Cy has run our user group for years.")
    bob.click("form.nomination-form button[type=submit]")
    bob.wait_for_url(re.compile(rf"{base}/nominations/{SLUG}/\d+/"))
    cy_nomination = bob.url.rstrip("/").rsplit("/", 1)[1]

    # staff link Cy's nomination to a nominee entry for Cy's account
    staff.goto(f"{base}/admin/users/user/?q=e2e-cy")
    cy_id = staff.locator(".admin-table th[scope=row] a").first.get_attribute("href").rstrip("/").split("/")[-2]
    staff.goto(f"{base}/admin/nominations/nominee/add/")
    staff.select_option(
        "#election_id", value=staff.locator("#election_id option", has_text=ELECTION).get_attribute("value")
    )
    staff.fill("#user_id", cy_id)
    staff.click("button[name=_save]")
    staff.locator(".messages", has_text="was added successfully").wait_for(timeout=5000)
    staff.goto(f"{base}/admin/nominations/nominee/?election_id=" + staff_election_id(staff, base))
    # Cy's profile has no names, so the entry is named after the username
    cy_nominee = next(
        row.get_attribute("value")
        for row in staff.locator("input[name=_selected]").all()
        if "e2e-cy" in (row.get_attribute("aria-label") or "")
    )
    staff.goto(f"{base}/admin/nominations/nomination/{cy_nomination}/change/")
    staff.fill("#nominee_id", str(cy_nominee))
    staff.click("button[name=_save]")
    staff.locator(".messages", has_text="was changed successfully").wait_for(timeout=5000)

    # Cy accepts, from the list of their nominations
    cy = _signed_in(browser, base, "e2e-cy")
    problems += _watch(cy)
    cy.goto(f"{base}/users/nominations/")
    cy.locator("a", has_text="Cy Clops").first.click()
    cy.locator("a.button", has_text="Accept this nomination").click()
    cy.check("#accepted")
    cy.click("form[action$='/accept/'] button[type=submit]")
    cy.wait_for_url(f"{base}/nominations/{SLUG}/{cy_nomination}/")

    # before the close, a visitor sees nobody
    visitor = browser.new_context().new_page()
    problems += _watch(visitor)
    visitor.goto(f"{base}/nominations/elections/{SLUG}/nominees/")
    assert visitor.locator(".list-nominees li").count() == 0

    # staff approve every nominee and nomination of the election, then close nominations
    election_id = staff_election_id(staff, base)
    _admin_action(staff, base, f"/admin/nominations/nominee/?election_id={election_id}", "approve")
    _admin_action(staff, base, f"/admin/nominations/nomination/?election_id={election_id}", "approve")
    staff.goto(f"{base}/admin/nominations/election/{election_id}/change/")
    staff.fill("#nominations_close_at", _stamp(datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)))
    staff.click("button[name=_save]")
    staff.locator(".messages", has_text="was changed successfully").wait_for(timeout=5000)

    visitor.goto(f"{base}/nominations/elections/{SLUG}/nominees/")
    names = sorted(visitor.locator(".list-nominees li a").all_inner_texts())
    # the nominees' names come from their accounts (Cy's has none: the username shows)
    assert names == ["Ada Byron", "e2e-cy"], names
    visitor.locator(".list-nominees a", has_text="Ada Byron").click()
    assert visitor.locator("h1", has_text="Ada Byron").is_visible()
    assert problems == []


def staff_election_id(staff: Any, base: str) -> str:
    staff.goto(f"{base}/admin/nominations/election/?q={ELECTION.replace(' ', '+')}")
    href = staff.locator(".admin-table th[scope=row] a").first.get_attribute("href")
    return href.rstrip("/").split("/")[-2]
