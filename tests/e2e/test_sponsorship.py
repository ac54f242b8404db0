"""Browser journey of a PSF sponsorship on a real Granian server (issue 18): a visitor picks a package and two
à-la-carte benefits, signs in and applies as a new sponsor; the PSF sponsors mailbox and the applicant receive
their mails; staff approve in the admin; the sponsor uploads the required logo on the dashboard; once finalized
(here, directly through the service, as executing a contract will), the logo is on the sponsors page and in the
logo-placement API."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import LiveSite, make_site_user
from tests.e2e.test_accounts import _login, _mail_to, _watch

pytestmark = pytest.mark.e2e

PASSWORD = "sponsor the snake 2031"
SPONSOR = "E2E Widgets Ltd"

FINALIZE_AND_TOKEN = """
import asyncio, sys
from sqlalchemy import select
from pydotorg.app import create_app
from pydotorg.db.models import Sponsor, Sponsorship, Token, User
from pydotorg.domain.sponsors import services

async def main(sponsor_name):
    app = create_app()
    async with app.state.db_config.get_session() as session:
        sponsorship = (await session.execute(select(Sponsorship).join(Sponsor, Sponsor.id == Sponsorship.sponsor_id)
                       .where(Sponsor.name == sponsor_name))).scalar_one()
        services.finalize(session, sponsorship, None)
        await session.commit()
        token = (await session.execute(select(Token.key).join(User, User.id == Token.user_id)
                 .where(User.username == "demo-staff"))).scalar_one()
    await app.state.db_config.get_engine().dispose()
    print(token)

asyncio.run(main(*sys.argv[1:]))
"""


def _png(path: Path, width: int, height: int) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 60)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_apply_approve_upload_and_appear(live_site: LiveSite, browser: Any, tmp_path: Path) -> None:
    base = live_site.base
    make_site_user(live_site, "e2e-sponsor", "e2e-sponsor@e2e.example", PASSWORD)

    visitor = browser.new_context().new_page()
    problems = _watch(visitor)
    visitor.goto(f"{base}/sponsors/application/")
    maintaining = visitor.locator("label", has_text="Maintaining").locator("input[name=package]")
    maintaining.check()
    # the page's script ticked the package's benefits
    assert visitor.locator("input[name=benefits_foundation]:checked").count() >= 2
    visitor.locator("label", has_text="PyCon US booth").locator("input").check()
    visitor.locator("label", has_text="Thank-you post").locator("input").check()
    visitor.click("form.sponsorship-benefits-form button[type=submit]")
    # signing in leads on to step 2
    visitor.wait_for_url(re.compile(r".*/accounts/login/.*"))
    visitor.fill("#login", "e2e-sponsor")
    visitor.fill("#password", PASSWORD)
    visitor.click("form.account-form button[type=submit]")
    visitor.wait_for_url(f"{base}/sponsors/application/new/")
    assert visitor.locator(".selected-benefits li", has_text="PyCon US booth").is_visible()
    visitor.fill("#name", SPONSOR)
    visitor.fill("#description", "Widgets for Python developers.")
    visitor.fill("#landing_page_url", "https://widgets.e2e.example/")
    visitor.set_input_files("#web_logo", str(_png(tmp_path / "logo.png", 400, 160)))
    visitor.fill("#primary_phone", "+1 555 0199")
    visitor.fill("#mailing_address_line_1", "9 Snake Lane")
    visitor.fill("#city", "Wilmington")
    visitor.fill("#postal_code", "19801")
    visitor.fill("#country", "US")
    visitor.click("form.sponsorship-details-form button[type=submit]")
    visitor.locator("h1", has_text="Thank you!").wait_for(timeout=10000)

    psf = _mail_to(live_site.var_dir, "psf-sponsors@python.org")
    assert str(psf["Subject"]) == f"New sponsorship application from {SPONSOR}"
    thanks = _mail_to(live_site.var_dir, "e2e-sponsor@e2e.example")
    assert "Thank you for applying" in str(thanks["Subject"])
    assert "Logo for the sponsors page" in thanks.get_content()

    # staff approve it in the admin
    staff = browser.new_context().new_page()
    problems += _watch(staff)
    _login(staff, base, "demo-staff", live_site.staff_password)
    staff.wait_for_url(f"{base}/")
    staff.goto(f"{base}/admin/sponsors/sponsorship/?status=applied")
    staff.locator(".admin-table th[scope=row] a").first.click()
    staff.locator(".admin-object-tools").get_by_role("link", name="Approve", exact=True).click()
    staff.fill("#sponsorship_fee", "45000")
    staff.click("form.admin-form button[type=submit]")
    staff.locator(".messages", has_text="Sponsorship was approved").wait_for(timeout=5000)

    # the sponsor provides the required logo on the dashboard
    visitor.goto(f"{base}/users/sponsorships/")
    visitor.locator("a", has_text=SPONSOR).first.click()
    assert visitor.locator(".assets-pending li", has_text="Logo for the sponsors page").is_visible()
    visitor.locator("a.button", has_text="Provide the assets").click()
    field = visitor.locator("input[type=file]").first
    field.set_input_files(str(_png(tmp_path / "wall.png", 800, 300)))
    visitor.click("form[action$='/assets/'] button[type=submit]")
    visitor.locator(".messages", has_text="Assets were updated").wait_for(timeout=5000)
    assert visitor.locator("p", has_text="Nothing is missing.").is_visible()

    # finalized (executing the contract does this), the logo is on the wall and in the API
    token = subprocess.run(
        [sys.executable, "-c", FINALIZE_AND_TOKEN, SPONSOR],
        env=live_site.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    wall = browser.new_context().new_page()
    problems += _watch(wall)
    wall.goto(f"{base}/psf/sponsors/")
    logo = wall.locator(f"img[alt='{SPONSOR}']")
    assert logo.is_visible()
    assert wall.evaluate("(img) => img.naturalWidth", logo.element_handle()) == 400
    request = urllib.request.Request(
        f"{base}/api/v2/sponsors/logo-placement/?publisher=psf&flight=sponsors",
        headers={"Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        placements = json.loads(response.read())
    ours = [p for p in placements if p["sponsor"] == SPONSOR]
    assert ours and ours[0]["level_name"] == "Maintaining"
    assert ours[0]["description"] == f"{SPONSOR} is a Maintaining sponsor of the Python Software Foundation."
    assert problems == []


APPLY = """
import asyncio, sys
from sqlalchemy import select
from pydotorg.app import create_app
from pydotorg.db.models import Sponsor, SponsorContact
from pydotorg.domain.sponsors import services

async def main(name, logo):
    app = create_app()
    async with app.state.db_config.get_session() as session:
        sponsor = Sponsor(name=name, description="Contracts, end to end.", web_logo=logo, country="US")
        session.add(sponsor)
        await session.flush()
        session.add(SponsorContact(sponsor_id=sponsor.id, name="Lee", email="lee@e2e.example", primary=True))
        offer = await services.catalogue(session, await services.current_year(session))
        package = next(p for p in offer.packages if p.slug == "sustainability")
        chosen = [b for b in offer.benefits if b.id in offer.package_benefits[package.id]]
        sponsorship = await services.new_sponsorship(session, sponsor, chosen, package, None)
        await session.commit()
        print(sponsorship.id)
    await app.state.db_config.get_engine().dispose()

asyncio.run(main(*sys.argv[1:]))
"""
CONTRACT_SPONSOR = "E2E Contract Co"


def test_staff_send_and_execute_the_contract(live_site: LiveSite, browser: Any, tmp_path: Path) -> None:
    base = live_site.base
    logo = "sponsor_web_logos/e2e-contract-co.png"
    (live_site.var_dir / "media" / "sponsor_web_logos").mkdir(parents=True, exist_ok=True)
    _png(live_site.var_dir / "media" / logo, 400, 160)
    pk = subprocess.run(
        [sys.executable, "-c", APPLY, CONTRACT_SPONSOR, logo],
        env=live_site.env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()

    staff = browser.new_context().new_page()
    problems = _watch(staff)
    _login(staff, base, "demo-staff", live_site.staff_password)
    staff.wait_for_url(f"{base}/")
    sponsorship_url = f"{base}/admin/sponsors/sponsorship/{pk}/change/"
    staff.goto(sponsorship_url)
    staff.locator(".admin-object-tools").get_by_role("link", name="Approve", exact=True).click()
    staff.fill("#sponsorship_fee", "80000")
    staff.click("form.admin-form button[type=submit]")
    staff.locator(".messages", has_text="draft contract was created").wait_for(timeout=5000)

    staff.goto(f"{base}/admin/sponsors/contract/?sponsorship_id={pk}")
    staff.locator(".admin-table th[scope=row] a").first.click()
    contract_url = staff.url.rsplit("/change/", 1)[0]
    preview = staff.request.get(f"{contract_url}/preview/?format=pdf")
    assert preview.status == 200 and preview.body().startswith(b"%PDF-")
    staff.locator(".admin-object-tools a", has_text="Send").click()
    staff.click("form[action$='/send/'] button[type=submit]")
    staff.locator(".messages", has_text="being rendered").wait_for(timeout=5000)
    for _ in range(60):  # the background job renders and sends it
        staff.goto(f"{contract_url}/change/")
        if staff.locator(".admin-object-tools a", has_text="Execute").count():
            break
        staff.wait_for_timeout(250)
    staff.locator(".admin-object-tools a", has_text="Execute").click()
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(preview.body())  # the countersigned copy, for the test
    staff.set_input_files("#signed_document", str(signed))
    staff.click("form.admin-form button[type=submit]")
    staff.locator(".messages", has_text="sponsorship is finalized").wait_for(timeout=5000)

    staff.goto(sponsorship_url)
    assert "finalized" in staff.locator(".admin-form").inner_text().lower()
    wall = browser.new_context().new_page()
    problems += _watch(wall)
    wall.goto(f"{base}/psf/sponsors/")
    assert wall.locator(f"img[alt='{CONTRACT_SPONSOR}']").is_visible()
    assert problems == []
