"""Browser journeys of accounts and the admin, on a real Granian server with the embedded database.

* sign up → read the verification mail from the mail store → confirm → log in → change password → log out;
* a user imported with a Django pbkdf2 hash logs in with the old password and the stored hash becomes Argon2;
* staff edit a CMS page in /admin/ and see it live; a non-staff user gets a 403 there.

Every page is watched for Content-Security-Policy violations.
"""

from __future__ import annotations

import email
import email.policy
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveSite

pytestmark = pytest.mark.e2e

DJANGO_HASH = "pbkdf2_sha256$150000$TAqxQ4O0uzV2$3lgFMdRiaBnaUfXtjSRlA/9HzMwYa2ThD38AmTzGYEs="
IMPORT_USER = """
import asyncio
from pydotorg.app import create_app
from pydotorg.domain.users.services import create_user

async def main():
    app = create_app()
    async with app.state.db_config.get_session() as session:
        await create_user(session, username="legacy", email="legacy@example.org", password=None,
                          password_hash={hash!r}, verified=True)
        await session.commit()
    await app.state.db_config.get_engine().dispose()

asyncio.run(main())
"""


def _watch(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return problems


def _mail_to(var_dir: Path, address: str, wait: float = 10.0) -> email.message.EmailMessage:
    deadline = time.monotonic() + wait
    while True:
        for path in sorted((var_dir / "mail").glob("*.eml")) if (var_dir / "mail").exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]):
                return message  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {address}")
        time.sleep(0.1)


def _login(page: Any, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("form.account-form button[type=submit]")


def test_signup_confirm_login_change_password_logout(live_site: LiveSite, browser: Any) -> None:
    base = live_site.base
    page = browser.new_page()
    problems = _watch(page)

    page.goto(f"{base}/accounts/signup/")
    page.fill("#email", "newbie@example.org")
    page.fill("#username", "newbie")
    page.fill("#password1", "my first passphrase")
    page.fill("#password2", "my first passphrase")
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{base}/accounts/confirm-email/")
    assert "Verify your e-mail address" in page.inner_text("h1")

    mail = _mail_to(live_site.var_dir, "newbie@example.org")
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.get_content())
    assert link is not None
    page.goto(link.group(0).replace("http://127.0.0.1:8000", base))
    page.click('button:has-text("Confirm")')
    page.wait_for_url(f"{base}/accounts/login/")
    assert "You have confirmed newbie@example.org." in page.content()

    _login(page, base, "newbie", "my first passphrase")
    page.wait_for_url(f"{base}/")
    # the signed-in menu is a drop-down under the user's name, so the header keeps one line
    page.locator(".account summary.user-menu-title", has_text="newbie").click(timeout=5000)
    page.locator(".account a", has_text="View profile").wait_for(timeout=5000)

    page.goto(f"{base}/accounts/password/change/")
    page.fill("#oldpassword", "my first passphrase")
    page.fill("#password1", "a better passphrase")
    page.fill("#password2", "a better passphrase")
    page.click("form.account-form button[type=submit]")
    page.locator(".messages", has_text="Password successfully changed.").wait_for(timeout=5000)

    # non-staff users are refused by the admin
    response = page.goto(f"{base}/admin/")
    assert response is not None and response.status == 403

    page.goto(f"{base}/")
    page.locator(".account summary.user-menu-title").click(timeout=5000)
    page.locator(".account button", has_text="Sign out").click()
    page.wait_for_url(f"{base}/")
    page.locator(".account a", has_text="Sign in").wait_for(timeout=5000)
    assert "Sign out" not in page.request.get(f"{base}/authenticated").text()

    _login(page, base, "newbie@example.org", "a better passphrase")
    page.wait_for_url(f"{base}/")
    assert problems == []


def test_imported_django_user_keeps_password_and_gets_argon2(live_site: LiveSite, browser: Any) -> None:
    subprocess.run(
        [sys.executable, "-c", IMPORT_USER.format(hash=DJANGO_HASH)], env=live_site.env, check=True, timeout=60
    )
    page = browser.new_page()
    problems = _watch(page)
    _login(page, live_site.base, "legacy", "password")
    page.wait_for_url(f"{live_site.base}/")
    page.locator(".account summary.user-menu-title", has_text="legacy").wait_for(timeout=5000)
    with sqlite3.connect(live_site.var_dir / "pydotorg.sqlite3") as db:
        (stored,) = db.execute("SELECT password FROM users_user WHERE username = 'legacy'").fetchone()
    assert stored.startswith("argon2$argon2id$")
    assert problems == []


def test_staff_edit_a_page_in_the_admin_and_see_it_live(live_site: LiveSite, browser: Any) -> None:
    base = live_site.base
    page = browser.new_page()
    problems = _watch(page)
    _login(page, base, "demo-staff", live_site.staff_password)
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/admin/")
    page.click('.admin-app a[href="/admin/pages/page/"]')
    page.fill("#admin-q", "quotes")
    page.click("form.admin-search button")
    page.click(".admin-table th[scope=row] a")
    page.fill("#title", "Quotes about Python, edited by staff")
    page.click("button[name=_save]")
    page.locator(".messages", has_text="was changed successfully").wait_for(timeout=5000)

    page.goto(f"{base}/about/quotes/")
    assert page.inner_text("h1.page-title") == "Quotes about Python, edited by staff"
    # the change is in the object's history
    page.goto(f"{base}/admin/pages/page/")
    page.fill("#admin-q", "quotes")
    page.click("form.admin-search button")
    page.click(".admin-table th[scope=row] a")
    page.click("text=History")
    assert "Changed title." in page.inner_text(".admin-history")
    assert problems == []
