"""PSF sponsorships (issue 18): the lifecycle rules (a test per transition, each refusing the illegal moves and
recording who moved it), ``Sponsorship.new`` copying benefits with their features and assets in one transaction,
the notification mails from staff-editable templates, the logo placements on the public pages (and their
invalidation), and the two sponsor APIs as PyPI and PyCon read them."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from advanced_alchemy.utils.text import slugify
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, select

from pydotorg.db.base import utcnow
from pydotorg.db.models import (
    AdminLogEntry,
    BenefitFeature,
    Contract,
    GenericAsset,
    Sponsor,
    SponsorBenefit,
    SponsorContact,
    SponsorEmailNotificationTemplate,
    Sponsorship,
    SponsorshipBenefit,
    SponsorshipPackage,
    TextAsset,
    Token,
)
from pydotorg.db.models.sponsors import SponsorshipStatus
from pydotorg.domain.sponsors import notifications, services, use_cases
from pydotorg.settings import Settings
from tests.conftest import delete_user, grant, make_user, read_mails, wait_for_mail
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("backend")
TODAY = utcnow().date()


@dataclass
class Offer:
    year: int
    package: SponsorshipPackage
    package_benefits: list[SponsorshipBenefit]
    standalone: SponsorshipBenefit


async def _offer(app: Litestar) -> Offer:
    async with app.state.db_config.get_session() as session:
        year = await services.current_year(session)
        offer = await services.catalogue(session, year)
        package = next(p for p in offer.packages if p.slug == "visionary")
        in_package = [b for b in offer.benefits if b.id in offer.package_benefits[package.id]]
        standalone = next(b for b in offer.benefits if b.standalone)
        return Offer(year, package, in_package, standalone)


def _contact(sponsor: Sponsor) -> str:
    """The test sponsor's contact address: unique per sponsor name (SQLite reuses a deleted sponsor's id)."""
    return f"pat-{slugify(sponsor.name)}@example.org"


@pytest.fixture
async def sponsor(app: Litestar) -> AsyncIterator[Sponsor]:
    async with app.state.db_config.get_session() as session:
        row = Sponsor(name=unique("Lifecycle Corp"), description="Tests things.", web_logo="sponsor_web_logos/x.png")
        session.add(row)
        await session.flush()
        session.add(SponsorContact(sponsor_id=row.id, name="Pat", email=_contact(row), primary=True))
        await session.commit()
    yield row
    async with app.state.db_config.get_session() as session:
        ids = select(Sponsorship.id).where(Sponsorship.sponsor_id == row.id)
        await session.execute(delete(GenericAsset).where(GenericAsset.object_id.in_(ids)))
        await session.execute(delete(Sponsorship).where(Sponsorship.sponsor_id == row.id))
        await session.execute(delete(Sponsor).where(Sponsor.id == row.id))
        await session.commit()


async def _last_log(app: Litestar) -> int:
    async with app.state.db_config.get_session() as session:
        return int((await session.execute(select(func.max(AdminLogEntry.id)))).scalar() or 0)


async def _apply(app: Litestar, sponsor: Sponsor, offer: Offer, *, extra: bool = False) -> int:
    async with app.state.db_config.get_session() as session:
        benefits = list(offer.package_benefits) + ([offer.standalone] if extra else [])
        sponsorship = await services.new_sponsorship(session, sponsor, benefits, offer.package, None)
        await session.commit()
        return sponsorship.id


# -- Sponsorship.new ---------------------------------------------------------------------------------------------
async def test_new_sponsorship_copies_benefits_features_and_assets(app: Litestar, sponsor: Sponsor) -> None:
    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        assert sponsorship.status == SponsorshipStatus.APPLIED
        assert not sponsorship.locked
        assert sponsorship.year == offer.year
        assert sponsorship.sponsorship_fee == offer.package.sponsorship_amount
        assert services.level_name(sponsorship) == "Visionary"
        assert sponsorship.for_modified_package is False  # exactly the package
        copies = await services.sponsor_benefits(session, pk)
        assert sorted(c.name for c in copies) == sorted(b.name for b in offer.package_benefits)
        assert all(c.program_name for c in copies)
        assert not any(c.added_by_user for c in copies)
        kinds = sorted(type(f).__name__ for f in await services.features_of(session, pk))
        # the visionary package: five logo placements, its own tier (of four tiers), the asset features
        assert kinds.count("LogoPlacement") == 5
        assert kinds.count("TieredBenefit") == 1
        assert {"RequiredImgAsset", "RequiredTextAsset", "ProvidedTextAsset"} <= set(kinds)
        assets = (
            await session.execute(select(GenericAsset).where(GenericAsset.object_id.in_([pk, sponsor.id])))
        ).scalars()
        owned = {(a.content_type, a.internal_name) for a in assets if (a.content_type, a.object_id) in
                 {("sponsorship", pk), ("sponsor", sponsor.id)}}  # fmt: skip
        year = offer.year
        assert owned == {("sponsor", f"sponsors_page_logo_{year}"), ("sponsorship", f"job_board_code_{year}"),
                         ("sponsorship", f"blog_post_draft_{year}")}  # fmt: skip


async def test_a_customised_package_marks_what_the_applicant_added(app: Litestar, sponsor: Sponsor) -> None:
    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer, extra=True)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        assert sponsorship.for_modified_package is True
        added = [c.name for c in await services.sponsor_benefits(session, pk) if c.added_by_user]
        assert added == [offer.standalone.name]
        assert await services.customisation(session, sponsorship) == services.Customisation([offer.standalone.name], [])
    async with app.state.db_config.get_session() as session:
        fewer = Sponsor(name=unique("Fewer Corp"), web_logo="x.png")
        session.add(fewer)
        await session.flush()
        dropped = offer.package_benefits[0]
        sponsorship = await services.new_sponsorship(session, fewer, offer.package_benefits[1:], offer.package, None)
        assert sponsorship.for_modified_package
        assert await services.customisation(session, sponsorship) == services.Customisation([], [dropped.name])
        await session.rollback()


async def test_a_sponsor_with_an_application_in_progress_cannot_apply_again(app: Litestar, sponsor: Sponsor) -> None:
    offer = await _offer(app)
    await _apply(app, sponsor, offer)
    async with app.state.db_config.get_session() as session:
        before = (await session.execute(select(func.count()).select_from(SponsorBenefit))).scalar()
        with pytest.raises(services.SponsorWithExistingApplicationError, match="in progress"):
            await services.new_sponsorship(session, sponsor, offer.package_benefits, offer.package, None)
        await session.rollback()
        after = (await session.execute(select(func.count()).select_from(SponsorBenefit))).scalar()
        assert before == after


def test_package_customisation_follows_conflict_groups() -> None:
    conflicts = {1: {2}, 2: {1}}
    package = {1, 2, 3}
    assert services.has_user_customization(package, [1, 3], conflicts) is False  # one of the alternatives
    assert services.has_user_customization(package, [2, 3], conflicts) is False
    assert services.has_user_customization(package, [3], conflicts) is True  # none of them
    assert services.has_user_customization(package, [1, 3, 4], conflicts) is True  # something added
    assert services.has_user_customization(package, [1], conflicts) is True  # something removed
    assert services.has_user_customization({3}, [3], {}) is False


# -- transitions --------------------------------------------------------------------------------------------------
async def _log(app: Litestar, pk: int, since: int = 0) -> list[tuple[int | None, str]]:
    """The sponsorship's history lines written after entry ``since`` (SQLite reuses a deleted row's id)."""
    async with app.state.db_config.get_session() as session:
        rows = await session.execute(
            select(AdminLogEntry.user_id, AdminLogEntry.change_message)
            .where(AdminLogEntry.content_type == "sponsors.sponsorship", AdminLogEntry.object_id == str(pk))
            .where(AdminLogEntry.id > since)
            .order_by(AdminLogEntry.id)
        )
        return [(row[0], row[1]) for row in rows]


async def test_approve_sets_dates_locks_drafts_a_contract_and_records_who(app: Litestar, sponsor: Sponsor) -> None:
    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    actor = await make_user(app, unique("approver"), is_staff=True)
    since = await _last_log(app)
    start, end = TODAY, TODAY + datetime.timedelta(days=365)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        with pytest.raises(services.InvalidDateRangeError, match="before the end"):
            await use_cases.approve(session, sponsorship, actor, start_date=end, end_date=start)
        contract = await use_cases.approve(session, sponsorship, actor, start_date=start, end_date=end,
                                           sponsorship_fee=150_000, renewal=True)  # fmt: skip
        await session.commit()
        assert contract.status == "draft"
        assert "Lifecycle Corp" in contract.sponsor_info
        assert "Pat |" in contract.sponsor_contact
        assert "[^1]" in contract.benefits_list  # the logo benefits cite the logo-use clause
        assert contract.legal_clauses.startswith("[^1]: ")
        assert contract.legal_clauses.count("[^") == 1  # cited by several benefits, written once
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        assert (sponsorship.status, sponsorship.locked) == (SponsorshipStatus.APPROVED, True)
        assert (sponsorship.start_date, sponsorship.end_date, sponsorship.approved_on) == (start, end, TODAY)
        assert (sponsorship.sponsorship_fee, sponsorship.renewal) == (150_000, True)
        with pytest.raises(services.InvalidStatusError, match="Can't approve a Approved sponsorship"):
            services.approve(session, sponsorship, actor, start, end)
        with pytest.raises(services.InvalidStatusError, match="Can't reject a Approved"):
            services.reject(session, sponsorship, actor)
    assert await _log(app, pk, since) == [(actor, f"Sponsorship approved ({start} to {end}).")]


async def test_finalize_only_from_approved(app: Litestar, sponsor: Sponsor) -> None:
    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        with pytest.raises(services.InvalidStatusError, match="Can't finalize a Applied sponsorship"):
            services.finalize(session, sponsorship, None)
        services.approve(session, sponsorship, None, TODAY, TODAY + datetime.timedelta(days=30))
        services.finalize(session, sponsorship, None)
        assert (sponsorship.status, sponsorship.finalized_on) == (SponsorshipStatus.FINALIZED, TODAY)
        assert services.is_active(sponsorship)
        with pytest.raises(services.InvalidStatusError):
            services.finalize(session, sponsorship, None)
        with pytest.raises(services.InvalidStatusError, match="rollback"):
            await services.rollback_to_editing(session, sponsorship, None)
        await session.commit()


async def test_reject_mails_the_psf_and_the_verified_contacts(
    app: Litestar, sponsor: Sponsor, seeded_settings: Settings
) -> None:
    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    contact = _contact(sponsor)
    name = unique("verified")
    await make_user(app, name, email_address=contact)  # the contact's address is verified by an account
    settings = seeded_settings.model_copy(update={"sponsorship_notification_to_email": f"{name}-psf@example.org"})
    try:
        async with app.state.db_config.get_session() as session:
            sponsorship = await services.get_sponsorship(session, pk)
            await use_cases.reject(session, settings, sponsorship, None)
            await session.commit()
        psf = await wait_for_mail(seeded_settings, f"{name}-psf@example.org")
        assert "rejected" in str(psf[0]["Subject"])
        told = await wait_for_mail(seeded_settings, contact)
        assert str(told[0]["Subject"]) == "Your sponsorship application for the Python Software Foundation"
        assert str(told[0]["From"]) == settings.sponsorship_notification_from_email
        async with app.state.db_config.get_session() as session:
            sponsorship = await services.get_sponsorship(session, pk)
            assert (sponsorship.status, sponsorship.locked, sponsorship.rejected_on) == ("rejected", True, TODAY)
    finally:
        await delete_user(app, name)


async def test_rollback_deletes_a_draft_contract_and_refuses_a_sent_one(app: Litestar, sponsor: Sponsor) -> None:
    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    since = await _last_log(app)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        await use_cases.approve(session, sponsorship, None, start_date=TODAY, end_date=TODAY + datetime.timedelta(1))
        await session.commit()
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        await services.rollback_to_editing(session, sponsorship, None)
        await session.commit()
        assert (sponsorship.status, sponsorship.approved_on) == (SponsorshipStatus.APPLIED, None)
        left = await session.execute(select(Contract.id).where(Contract.sponsorship_id == pk))
        assert left.first() is None
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        contract = await use_cases.approve(session, sponsorship, None, start_date=TODAY,
                                           end_date=TODAY + datetime.timedelta(1))  # fmt: skip
        contract.status = "awaiting signature"
        await session.commit()
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        with pytest.raises(services.InvalidStatusError, match="Awaiting Signature Contract"):
            await services.rollback_to_editing(session, sponsorship, None)
    assert [message for _user, message in await _log(app, pk, since)] == [
        f"Sponsorship approved ({TODAY} to {TODAY + datetime.timedelta(1)}).",
        "Sponsorship rolled back to editing.",
        f"Sponsorship approved ({TODAY} to {TODAY + datetime.timedelta(1)}).",
    ]


async def test_lock_and_unlock(app: Litestar, sponsor: Sponsor) -> None:
    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        assert services.open_for_editing(sponsorship)
        with pytest.raises(services.InvalidStatusError, match="already unlocked"):
            services.set_locked(session, sponsorship, None, locked=False)
        services.reject(session, sponsorship, None)
        assert not services.open_for_editing(sponsorship)
        services.set_locked(session, sponsorship, None, locked=False)
        assert services.open_for_editing(sponsorship)
        await session.commit()


# -- the application use case and its mail ------------------------------------------------------------------------
async def test_apply_mails_from_the_staff_edited_template_after_commit_only(
    app: Litestar, sponsor: Sponsor, seeded_settings: Settings
) -> None:
    offer = await _offer(app)
    name = unique("applicant")
    user_id = await make_user(app, name)
    settings = seeded_settings.model_copy(update={"sponsorship_notification_to_email": f"{name}-psf@example.org"})
    async with app.state.db_config.get_session() as session:
        row = (await session.execute(select(SponsorEmailNotificationTemplate).where(
            SponsorEmailNotificationTemplate.internal_name == notifications.APPLICATION_TO_PSF))).scalar_one()  # fmt: skip
        original = row.subject
        row.subject = "Edited: {{ sponsor_name }} wants {{ sponsorship_level }}"
        await session.commit()
    try:
        async with app.state.db_config.get_session() as session:
            await use_cases.apply(session, settings, sponsor=sponsor, benefits=offer.package_benefits,
                                  package=offer.package, user_id=user_id, user_email=f"{name}@example.org")  # fmt: skip
            await session.rollback()  # nothing happened: nothing is mailed
        async with app.state.db_config.get_session() as session:
            _sponsorship, told = await use_cases.apply(
                session, settings, sponsor=sponsor, benefits=offer.package_benefits, package=offer.package,
                user_id=user_id, user_email=f"{name}@example.org")  # fmt: skip
            await session.commit()
        assert told == [f"{name}@example.org"]  # the contact's address is not verified by any account
        psf = await wait_for_mail(seeded_settings, f"{name}-psf@example.org")
        assert len(psf) == 1
        assert str(psf[0]["Subject"]) == f"Edited: {sponsor.name} wants Visionary"
        thanks = await wait_for_mail(seeded_settings, f"{name}@example.org")
        assert len(thanks) == 1
        body = thanks[0].get_content()
        assert "Thank you for applying" in body
        assert "Logo for the sponsors page" in body  # the required assets are listed
    finally:
        async with app.state.db_config.get_session() as session:
            row = (await session.execute(select(SponsorEmailNotificationTemplate).where(
                SponsorEmailNotificationTemplate.internal_name == notifications.APPLICATION_TO_PSF))).scalar_one()  # fmt: skip
            row.subject = original
            await session.commit()
        await delete_user(app, name)


def test_templates_are_sandboxed_and_checked() -> None:
    assert notifications.check_syntax("Hello {{ name", "ok")["subject"].startswith("The template does not parse")
    assert notifications.check_syntax("ok", "{% for %}")["content"]
    assert notifications.check_syntax("Hi {{ sponsor_name }}", "Body {{ year }}") == {}
    text = notifications.MailText("{{ sponsor_name }}", "{{ ''.__class__.__mro__ }}")
    with pytest.raises(Exception, match="unsafe"):
        notifications.render(text, {"sponsor_name": "x"})
    with pytest.raises(Exception, match="undefined"):
        notifications.render(notifications.MailText("{{ sponser_name }}", ""), {"sponsor_name": "x"})
    # HTML-looking input stays text: mail is plain text, and nothing is interpreted
    rendered = notifications.render(notifications.MailText("{{ a }}", "{{ a }}"), {"a": "<b>&</b>"})
    assert rendered.content == "<b>&</b>"


async def test_a_broken_staff_template_falls_back_to_the_shipped_text(
    app: Litestar, sponsor: Sponsor, seeded_settings: Settings
) -> None:
    name = unique("fallback")
    async with app.state.db_config.get_session() as session:
        session.add(SponsorEmailNotificationTemplate(internal_name="sponsorship-rejection-psf-broken",
                                                     subject="x", content="{{ ''.__class__ }}"))  # fmt: skip
        await session.commit()
    async with app.state.db_config.get_session() as session:
        notifications.DEFAULTS["sponsorship-rejection-psf-broken"] = notifications.DEFAULTS[
            notifications.REJECTION_TO_PSF
        ]
        try:
            mail = await notifications.notify(session, "sponsorship-rejection-psf-broken", [f"{name}@example.org"],
                                              {"sponsor_name": "Acme", "sponsorship_level": "Gold", "admin_url": "/a"},
                                              from_email="sponsors@python.org")  # fmt: skip
        finally:
            del notifications.DEFAULTS["sponsorship-rejection-psf-broken"]
        await session.rollback()
        await session.execute(delete(SponsorEmailNotificationTemplate).where(
            SponsorEmailNotificationTemplate.internal_name == "sponsorship-rejection-psf-broken"))  # fmt: skip
        await session.commit()
    assert mail is not None
    assert mail.subject == "Sponsorship application from Acme rejected"
    assert not read_mails(seeded_settings, f"{name}@example.org")


# -- public placements ---------------------------------------------------------------------------------------------
async def test_sponsor_logos_on_the_sponsors_jobs_and_downloads_pages(client: AsyncTestClient[Litestar]) -> None:
    wall = await client.get("/psf/sponsors/")
    assert wall.status_code == 200
    text = wall.text
    # grouped by package in package order, each logo at its package's width
    assert text.index("Visionary sponsors") < text.index("Sustainability sponsors") < text.index("Maintaining sponsors")
    assert 'id="example-analytics"' in text
    assert 'src="/media/sponsor_web_logos/example-analytics.svg" alt="Example Analytics" width="350"' in text
    assert "Example Analytics is a Visionary sponsor of the Python Software Foundation." in text
    jobs = (await client.get("/jobs/")).text
    assert "Job board sponsors" in jobs
    assert "Demo Robotics" in jobs  # maintaining includes the job board logo
    downloads = (await client.get("/downloads/")).text
    assert "Example Analytics" in downloads and "Sample Cloud Hosting" in downloads
    assert 'alt="Demo Robotics"' not in downloads  # the download logo is not in its package
    psf = (await client.get("/psf-landing/")).text
    assert "Thank you to our sponsors" in psf and 'alt="Demo Robotics"' in psf
    logo = await client.get("/media/sponsor_web_logos/example-analytics.svg")
    assert logo.status_code == 200


async def test_a_sponsorship_that_is_overlapped_leaves_every_page_at_once(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    assert 'alt="Sample Cloud Hosting"' in (await client.get("/psf/sponsors/")).text
    async with app.state.db_config.get_session() as session:
        sponsorship = (await session.execute(select(Sponsorship).join(Sponsor).where(
            Sponsor.name == "Sample Cloud Hosting"))).scalars().first()  # fmt: skip
        assert sponsorship is not None
        end = sponsorship.end_date
        sponsorship.end_date = TODAY - datetime.timedelta(days=1)
        await session.commit()
    try:
        for url in ("/psf/sponsors/", "/downloads/", "/jobs/"):
            assert 'alt="Sample Cloud Hosting"' not in (await client.get(url)).text, url
    finally:
        async with app.state.db_config.get_session() as session:
            row = await session.get(Sponsorship, sponsorship.id)
            assert row is not None
            row.end_date = end
            await session.commit()
    assert 'alt="Sample Cloud Hosting"' in (await client.get("/psf/sponsors/")).text


# -- the sponsor APIs ------------------------------------------------------------------------------------------------
async def _token(app: Litestar, user_id: int) -> dict[str, str]:
    async with app.state.db_config.get_session() as session:
        key = (await session.execute(select(Token.key).where(Token.user_id == user_id))).scalar_one()
    return {"Authorization": f"Token {key}"}


@pytest.fixture
async def publisher(app: Litestar) -> AsyncIterator[dict[str, str]]:
    name = unique("publisher")
    user_id = await make_user(app, name)
    await grant(app, name, perms=("sponsors.sponsor_publisher",))
    yield await _token(app, user_id)
    await delete_user(app, name)


async def test_logo_placement_api_needs_the_publisher_permission(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    anonymous = await client.get("/api/v2/sponsors/logo-placement/")
    assert anonymous.status_code == 401
    assert anonymous.json() == {"detail": "Authentication credentials were not provided."}
    assert anonymous.headers["www-authenticate"] == "Token"
    bad = await client.get("/api/v2/sponsors/logo-placement/", headers={"Authorization": "Token nope"})
    assert (bad.status_code, bad.json()) == (401, {"detail": "Invalid token."})
    name = unique("plain")
    user_id = await make_user(app, name)
    try:
        plain = await client.get("/api/v2/sponsors/logo-placement/", headers=await _token(app, user_id))
        assert (plain.status_code, plain.json()) == (403, {"detail": "Must have publisher permission."})
    finally:
        await delete_user(app, name)
    staff_name = unique("staffapi")
    staff_id = await make_user(app, staff_name, is_staff=True)
    try:
        staff = await client.get("/api/v2/sponsors/logo-placement/", headers=await _token(app, staff_id))
        assert staff.status_code == 200
    finally:
        await delete_user(app, staff_name)


async def test_logo_placement_api_as_pypi_reads_it(
    client: AsyncTestClient[Litestar], publisher: dict[str, str], seeded_settings: Settings
) -> None:
    response = await client.get("/api/v2/sponsors/logo-placement/?publisher=pypi&flight=sponsors",
                                headers=publisher)  # fmt: skip
    assert response.status_code == 200
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    body = response.json()
    assert [p["sponsor"] for p in body] == ["Example Analytics", "Sample Cloud Hosting"]
    first = body[0]
    assert list(first) == ["publisher", "flight", "sponsor", "sponsor_id", "sponsor_slug", "description", "logo",
                           "white_logo", "start_date", "end_date", "sponsor_url", "level_name", "level_order",
                           "contacts"]  # fmt: skip
    assert (first["publisher"], first["flight"], first["sponsor_slug"]) == ("pypi", "sponsors", "example-analytics")
    assert isinstance(first["sponsor_id"], str)
    assert first["logo"] == f"{seeded_settings.site_url}/media/sponsor_web_logos/example-analytics.svg"
    assert first["white_logo"] is None
    # link_to_sponsors_page: the sponsors page on the configured site, never the request's host
    assert first["sponsor_url"] == f"{seeded_settings.site_url}/psf/sponsors/#example-analytics"
    assert first["description"] == "Example Analytics is a Visionary sponsor of the Python Software Foundation."
    assert (first["level_name"], first["level_order"]) == ("Visionary", 0)
    datetime.date.fromisoformat(first["start_date"])
    assert first["contacts"][0]["primary"] is True
    everything = (await client.get("/api/v2/sponsors/logo-placement/", headers=publisher)).json()
    assert {(p["publisher"], p["flight"]) for p in everything} >= {("psf", "sponsors"), ("psf", "jobs"),
                                                                   ("psf", "download"), ("pypi", "sponsors")}  # fmt: skip
    described = [p for p in everything if p["flight"] == "sponsors" and p["publisher"] == "psf"]
    assert described[0]["description"].endswith("sponsor of the Python Software Foundation.")
    year = TODAY.year
    assert (await client.get(f"/api/v2/sponsors/logo-placement/?year={year + 5}", headers=publisher)).json() == []


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("publisher=nope", {"publisher": ['"nope" is not a valid choice.']}),
        ("flight=moon", {"flight": ['"moon" is not a valid choice.']}),
        ("year=twenty", {"year": ["A valid integer is required."]}),
        (
            "year=1e3&publisher=x",
            {"year": ["A valid integer is required."], "publisher": ['"x" is not a valid choice.']},
        ),
    ],
)
async def test_logo_placement_filters_refuse_bad_values(
    client: AsyncTestClient[Litestar], publisher: dict[str, str], query: str, errors: dict[str, list[str]]
) -> None:
    response = await client.get(f"/api/v2/sponsors/logo-placement/?{query}", headers=publisher)
    assert response.status_code == 400
    assert response.json() == errors


async def test_sponsorship_assets_api(
    app: Litestar, client: AsyncTestClient[Litestar], publisher: dict[str, str]
) -> None:
    year = TODAY.year
    url = "/api/v2/sponsors/sponsorship-assets/"
    missing = await client.get(url, headers=publisher)
    assert (missing.status_code, missing.json()) == (400, {"internal_name": ["This field is required."]})
    too_long = await client.get(f"{url}?internal_name={'x' * 129}", headers=publisher)
    assert too_long.json() == {"internal_name": ["Ensure this field has no more than 128 characters."]}
    bad_bool = await client.get(f"{url}?internal_name=a&list_empty=maybe", headers=publisher)
    assert bad_bool.json() == {"list_empty": ["Must be a valid boolean."]}
    name = f"job_board_code_{year}"
    assert (await client.get(f"{url}?internal_name={name}", headers=publisher)).json() == []  # no value yet
    empty = (await client.get(f"{url}?internal_name={name}&list_empty=true", headers=publisher)).json()
    assert len(empty) >= 3
    assert {a["content_type"] for a in empty} == {"Sponsorship"}
    async with app.state.db_config.get_session() as session:
        asset = (await session.execute(select(TextAsset).where(TextAsset.internal_name == name).order_by(
            TextAsset.id))).scalars().first()  # fmt: skip
        assert asset is not None
        asset.text = "PYTHON-2026-XYZ"
        await session.commit()
    try:
        filled = (await client.get(f"{url}?internal_name={name}", headers=publisher)).json()
        assert len(filled) == 1
        assert filled[0]["value"] == "PYTHON-2026-XYZ"
        assert filled[0]["uuid"] == str(asset.uuid)
        assert filled[0]["sponsor"] == "Example Analytics"
        assert filled[0]["sponsor_slug"] == "example-analytics"
    finally:
        async with app.state.db_config.get_session() as session:
            row = await session.get(TextAsset, asset.id)
            assert row is not None
            row.text = ""
            await session.commit()


async def test_the_seed_adds_only_what_is_missing(app: Litestar) -> None:
    from pydotorg.fixtures.sponsors import seed_sponsors

    async with app.state.db_config.get_session() as session:
        counts = await seed_sponsors(session)
        await session.commit()
        assert sum(counts.values()) == 0
        features = (await session.execute(select(func.count()).select_from(BenefitFeature))).scalar()
        assert features


# -- the application ------------------------------------------------------------------------------------------------
def _png(width: int = 400, height: int = 160) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


async def _step_1(client: AsyncTestClient[Litestar], data: dict[str, object]) -> httpx.Response:
    from tests.conftest import csrf_token

    token = await csrf_token(client, "/sponsors/application/")
    return await client.post("/sponsors/application/", data={"_csrf_token": token, **data}, follow_redirects=False)


async def test_step_1_lists_the_catalogue_and_refuses_bad_choices(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    offer = await _offer(app)
    page = await client.get("/sponsors/application/")
    assert page.status_code == 200
    assert "Visionary" in page.text and "Core developer sprint naming" in page.text
    assert 'name="benefits_foundation"' in page.text and 'name="standalone_benefits"' in page.text
    nothing = await _step_1(client, {})
    assert nothing.status_code == 400
    assert "You have to pick a minimum number of benefits." in nothing.text
    logo = next(b for b in offer.package_benefits if b.name == "Logo on the PSF sponsors page")
    no_package = await _step_1(client, {"benefits_foundation": str(logo.id)})
    assert "You must pick a package to include the selected benefits." in no_package.text
    both = await _step_1(client, {"package": str(offer.package.id), "benefits_foundation": str(logo.id),
                                  "standalone_benefits": str(offer.standalone.id)})  # fmt: skip
    assert "Application with package cannot have standalone benefits." in both.text
    forged = await _step_1(client, {"package": "999999", "benefits_foundation": "1"})
    assert forged.status_code == 400
    junk = await _step_1(client, {"package": str(offer.package.id), "benefits_foundation": "x'; drop"})
    assert junk.status_code == 400


async def test_apply_as_a_new_sponsor_end_to_end(
    app: Litestar, client: AsyncTestClient[Litestar], seeded_settings: Settings
) -> None:
    from tests.conftest import csrf_token, log_in

    offer = await _offer(app)
    chosen = {"package": str(offer.package.id), "benefits_foundation": [
        str(b.id) for b in offer.package_benefits if b.program_id == offer.package_benefits[0].program_id]}  # fmt: skip
    standalone = await _step_1(client, {"standalone_benefits": str(offer.standalone.id)})
    assert standalone.status_code == 302
    assert standalone.headers["location"] == "/accounts/login/?next=/sponsors/application/new/"
    name = unique("applicant")
    await make_user(app, name)
    company = unique("Brand New Corp")
    try:
        await log_in(client, name)
        # step 2 without a selection goes back to step 1
        client.cookies.pop("sponsorship_selected_benefits", None)
        assert (await client.get("/sponsors/application/new/", follow_redirects=False)).headers["location"] == (
            "/sponsors/application/"
        )
        picked = await _step_1(client, {"standalone_benefits": str(offer.standalone.id)})
        assert picked.headers["location"] == "/sponsors/application/new/"
        form = await client.get("/sponsors/application/new/")
        assert form.status_code == 200
        assert f'value="{name}@example.org"' in form.text  # the applicant is the first contact
        token = await csrf_token(client, "/sponsors/application/new/")
        fields = {"_csrf_token": token, "name": company, "description": "We make things.",
                  "primary_phone": "+1 555 0100", "mailing_address_line_1": "1 Main St", "city": "Springfield",
                  "postal_code": "12345", "country": "us", "contact-0-name": "Applicant",
                  "contact-0-email": f"{name}@example.org", "contact-0-primary": "on"}  # fmt: skip
        # no logo, and a contact row without a primary: refused, nothing written
        missing = await client.post("/sponsors/application/new/",
                                    data={**fields, "contact-0-primary": ""})  # fmt: skip
        assert missing.status_code == 400
        assert "a logo for the web" in missing.text and "You must have a primary contact." in missing.text
        fake = await client.post("/sponsors/application/new/", data=fields,
                                 files={"web_logo": ("logo.png", b"not a png", "image/png")})  # fmt: skip
        assert fake.status_code == 400
        assert "not a valid .png image" in fake.text
        async with app.state.db_config.get_session() as session:
            assert (await session.execute(select(Sponsor).where(Sponsor.name == company))).first() is None
        done = await client.post("/sponsors/application/new/", data=fields,
                                 files={"web_logo": ("logo.png", _png(), "image/png")})  # fmt: skip
        assert done.status_code == 200, done.text
        assert "Thank you!" in done.text and f"{name}@example.org" in done.text
        async with app.state.db_config.get_session() as session:
            sponsor = (await session.execute(select(Sponsor).where(Sponsor.name == company))).scalar_one()
            assert sponsor.country == "US"
            assert sponsor.web_logo.startswith("sponsor_web_logos/") and sponsor.web_logo.endswith(".png")
            contact = (await session.execute(select(SponsorContact).where(
                SponsorContact.sponsor_id == sponsor.id))).scalar_one()  # fmt: skip
            assert contact.user_id is not None and contact.primary
            sponsorship = (await session.execute(select(Sponsorship).where(
                Sponsorship.sponsor_id == sponsor.id))).scalar_one()  # fmt: skip
            assert sponsorship.package_id is None and sponsorship.for_modified_package
            names = [b.name for b in await services.sponsor_benefits(session, sponsorship.id)]
            assert names == [offer.standalone.name]
        thanks = await wait_for_mail(seeded_settings, f"{name}@example.org")
        assert thanks and "Thank you for applying" in str(thanks[0]["Subject"])
        # applying again for the same sponsor (now the applicant's) is refused while the first is in progress
        await _step_1(client, chosen)
        again = await client.post("/sponsors/application/new/", data={
            "_csrf_token": await csrf_token(client, "/sponsors/application/new/"), "sponsor": str(sponsor.id)})  # fmt: skip
        assert again.status_code == 400
        assert "already has a sponsorship application in progress" in again.text
    finally:
        async with app.state.db_config.get_session() as session:
            sponsor_ids = select(Sponsor.id).where(Sponsor.name == company)
            await session.execute(delete(Sponsorship).where(Sponsorship.sponsor_id.in_(sponsor_ids)))
            await session.execute(delete(Sponsor).where(Sponsor.name == company))
            await session.commit()
        await delete_user(app, name)


async def test_closed_applications_show_the_box(app: Litestar, client: AsyncTestClient[Litestar]) -> None:
    from pydotorg.db.models import Flag

    async with app.state.db_config.get_session() as session:
        flag = (await session.execute(select(Flag).where(Flag.name == "sponsorship-applications-open"))).scalar_one()
        flag.everyone = False
        await session.commit()
    try:
        page = await client.get("/sponsors/application/")
        assert page.status_code == 200
        assert 'name="package"' not in page.text
    finally:
        async with app.state.db_config.get_session() as session:
            flag = (
                await session.execute(select(Flag).where(Flag.name == "sponsorship-applications-open"))
            ).scalar_one()
            flag.everyone = True
            await session.commit()


# -- the sponsor dashboard ------------------------------------------------------------------------------------------
@dataclass
class Applicant:
    username: str
    user_id: int
    sponsorship_id: int


@pytest.fixture
async def applicant(app: Litestar, sponsor: Sponsor) -> AsyncIterator[Applicant]:
    name = unique("dashboard")
    user_id = await make_user(app, name)
    offer = await _offer(app)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.new_sponsorship(session, sponsor, offer.package_benefits, offer.package, user_id)
        await session.commit()
    yield Applicant(name, user_id, sponsorship.id)
    await delete_user(app, name)


async def test_the_dashboard_shows_only_ones_own_sponsorships(
    app: Litestar, client: AsyncTestClient[Litestar], applicant: Applicant
) -> None:
    from tests.conftest import log_in

    url = f"/users/sponsorships/{applicant.sponsorship_id}/"
    anonymous = await client.get(url, follow_redirects=False)
    assert anonymous.status_code == 302 and anonymous.headers["location"].startswith("/accounts/login/")
    other = unique("nosy")
    await make_user(app, other)
    try:
        await log_in(client, other)
        assert (await client.get(url)).status_code == 404
        assert (await client.get(f"{url}assets/")).status_code == 404
        assert "Lifecycle Corp" not in (await client.get("/users/sponsorships/")).text
        edit = await client.get("/users/sponsorships/sponsor/edit/", follow_redirects=False)
        assert edit.headers["location"] == "/users/edit/"  # no sponsor to edit
    finally:
        await delete_user(app, other)
    await log_in(client, applicant.username)
    board = await client.get("/users/sponsorships/")
    assert board.status_code == 200 and "Lifecycle Corp" in board.text and "Applied" in board.text
    page = await client.get(url)
    assert page.status_code == 200
    assert "Logo for the sponsors page" in page.text  # a pending asset, with its due date
    assert "due December 31," in page.text
    only = await client.get("/users/sponsorships/sponsor/edit/", follow_redirects=False)
    assert only.headers["location"].startswith("/users/sponsorships/sponsor/")


async def test_required_assets_are_checked_and_saved(
    app: Litestar, client: AsyncTestClient[Litestar], applicant: Applicant
) -> None:
    from tests.conftest import csrf_token, log_in

    await log_in(client, applicant.username)
    url = f"/users/sponsorships/{applicant.sponsorship_id}/assets/"
    form = await client.get(url)
    assert form.status_code == 200
    assert "Logo for the sponsors page" in form.text
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, applicant.sponsorship_id)
        required, _provided = await services.asset_slots(session, sponsorship)
    by_kind = {type(slot.feature).__name__: slot.feature.id for slot in required}
    assert set(by_kind) == {"RequiredImgAsset", "RequiredTextAsset"}
    token = await csrf_token(client, url)
    too_long = await client.post(url, data={"_csrf_token": token, f"asset-{by_kind['RequiredTextAsset']}": "x" * 5001})
    assert too_long.status_code == 400 and "at most 5000 characters" in too_long.text
    small = await client.post(url, data={"_csrf_token": token},
                              files={f"asset-{by_kind['RequiredImgAsset']}": ("a.png", _png(100, 50), "image/png")})  # fmt: skip
    assert small.status_code == 400 and "between 400 and 2000 pixels wide" in small.text
    saved = await client.post(url, data={"_csrf_token": token, f"asset-{by_kind['RequiredTextAsset']}": "Our draft."},
                              files={f"asset-{by_kind['RequiredImgAsset']}": ("a.png", _png(), "image/png")},
                              follow_redirects=False)  # fmt: skip
    assert saved.status_code == 302
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, applicant.sponsorship_id)
        required, provided = await services.asset_slots(session, sponsorship)
    values = {type(slot.feature).__name__: slot.value for slot in required}
    assert values["RequiredTextAsset"] == "Our draft."
    assert str(values["RequiredImgAsset"]).startswith("sponsors-app-assets/")
    detail = await client.get(f"/users/sponsorships/{applicant.sponsorship_id}/")
    assert "Nothing is missing." in detail.text
    gifts = await client.get(f"/users/sponsorships/{applicant.sponsorship_id}/provided-assets/")
    assert gifts.status_code == 200 and "Job board promotion code" in gifts.text and "Not available yet." in gifts.text
    assert provided


async def test_editing_the_sponsor_replaces_the_contacts(
    app: Litestar, client: AsyncTestClient[Litestar], applicant: Applicant, sponsor: Sponsor
) -> None:
    from tests.conftest import csrf_token, log_in

    await log_in(client, applicant.username)
    url = f"/users/sponsorships/sponsor/{sponsor.id}/"
    page = await client.get(url)
    assert page.status_code == 200 and f'value="{_contact(sponsor)}"' in page.text
    token = await csrf_token(client, url)
    fields = {"_csrf_token": token, "name": sponsor.name, "description": "Still testing.", "primary_phone": "+1 555",
              "mailing_address_line_1": "2 Side St", "city": "Shelbyville", "postal_code": "54321", "country": "ca",
              "contact-0-name": "Robin", "contact-0-email": f"robin-{sponsor.id}@example.org",
              "contact-1-name": "Sam", "contact-1-email": f"sam-{sponsor.id}@example.org", "contact-1-accounting": "on"}  # fmt: skip
    no_primary = await client.post(url, data=fields)
    assert no_primary.status_code == 400 and "You must have a primary contact." in no_primary.text
    saved = await client.post(url, data={**fields, "contact-0-primary": "on"}, follow_redirects=False)
    assert saved.status_code == 302
    async with app.state.db_config.get_session() as session:
        row = await session.get(Sponsor, sponsor.id, populate_existing=True)
        assert row is not None and (row.city, row.country) == ("Shelbyville", "CA")
        contacts = await services.contacts_of(session, sponsor.id)
        assert [(c.name, c.primary, c.accounting) for c in contacts] == [("Robin", True, False), ("Sam", False, True)]
    other = await client.get("/users/sponsorships/sponsor/999999/")
    assert other.status_code == 404


# -- the admin ----------------------------------------------------------------------------------------------------
async def test_admin_approves_rejects_and_rolls_back_through_the_use_cases(
    app: Litestar, client: AsyncTestClient[Litestar], sponsor: Sponsor
) -> None:
    from tests.conftest import csrf_token, log_in

    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    clerk = unique("clerk")
    await make_user(app, clerk, is_staff=True)
    boss = unique("boss")
    boss_id = await make_user(app, boss, is_staff=True, is_superuser=True)
    base = f"/admin/sponsors/sponsorship/{pk}"
    try:
        await log_in(client, clerk)
        assert (await client.get(f"{base}/approve/")).status_code == 403  # staff without the permission
        client.cookies.clear()
        await log_in(client, boss)
        change = await client.get(f"{base}/change/")
        assert change.status_code == 200 and f'href="{base}/approve/"' in change.text
        token = await csrf_token(client, f"{base}/approve/")
        today = TODAY.isoformat()
        bad = await client.post(f"{base}/approve/", data={"_csrf_token": token, "package_id": str(offer.package.id),
                                "sponsorship_fee": "1000", "start_date": today, "end_date": today})  # fmt: skip
        assert bad.status_code == 400 and "The start date must be before the end date." in bad.text
        end = (TODAY + datetime.timedelta(days=365)).isoformat()
        done = await client.post(f"{base}/approve/", data={"_csrf_token": token, "package_id": str(offer.package.id),
                                 "sponsorship_fee": "99000", "start_date": today, "end_date": end,
                                 "renewal": "no"}, follow_redirects=False)  # fmt: skip
        assert done.status_code == 302
        async with app.state.db_config.get_session() as session:
            sponsorship = await services.get_sponsorship(session, pk)
            assert (sponsorship.status, sponsorship.sponsorship_fee, sponsorship.renewal) == ("approved", 99000, False)
            contract = (await session.execute(select(Contract).where(Contract.sponsorship_id == pk))).scalar_one()
            assert contract.status == "draft"
        # rejecting an approved sponsorship is refused with the rule's message, nothing changes
        refused = await client.post(f"{base}/reject/", data={"_csrf_token": token})
        assert refused.status_code == 409 and "Can&#39;t reject a Approved sponsorship." in refused.text
        back = await client.post(f"{base}/enable-edit/", data={"_csrf_token": token}, follow_redirects=False)
        assert back.status_code == 302
        unlock = await client.post(f"{base}/unlock/", data={"_csrf_token": token}, follow_redirects=False)
        assert unlock.status_code == 302
        rejected = await client.post(f"{base}/reject/", data={"_csrf_token": token}, follow_redirects=False)
        assert rejected.status_code == 302
        async with app.state.db_config.get_session() as session:
            sponsorship = await services.get_sponsorship(session, pk)
            assert (sponsorship.status, sponsorship.locked) == ("rejected", True)
            assert (await session.execute(select(Contract).where(Contract.sponsorship_id == pk))).first() is None
        assets = await client.get(f"{base}/list-assets/")
        assert assets.status_code == 200 and "Logo for the sponsors page" in assets.text
        assert (await client.get(f"{base}/nonsense/")).status_code == 404
        history = await client.get(f"{base}/history/")
        assert "Sponsorship rejected." in history.text and "Sponsorship approved" in history.text
        assert boss_id
    finally:
        await delete_user(app, clerk)
        await delete_user(app, boss)


async def test_admin_checks_and_previews_notification_templates(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    from tests.conftest import csrf_token, log_in

    boss = unique("editor")
    await make_user(app, boss, is_staff=True, is_superuser=True)
    async with app.state.db_config.get_session() as session:
        row = (await session.execute(select(SponsorEmailNotificationTemplate).where(
            SponsorEmailNotificationTemplate.internal_name == notifications.REJECTION_TO_SPONSOR))).scalar_one()  # fmt: skip
    try:
        await log_in(client, boss)
        preview = await client.get(f"/admin/sponsors/sponsoremailnotificationtemplate/{row.id}/preview-content/")
        assert preview.status_code == 200
        assert "Example Corp for a Visionary sponsorship" in preview.text.replace("\n", " ")
        url = f"/admin/sponsors/sponsoremailnotificationtemplate/{row.id}/change/"
        token = await csrf_token(client, url)
        broken = await client.post(url, data={"_csrf_token": token, "internal_name": row.internal_name,
                                              "subject": "Hello {{ sponsor_name", "content": row.content})  # fmt: skip
        assert broken.status_code == 400 and "The template does not parse" in broken.text
        async with app.state.db_config.get_session() as session:
            again = await session.get(SponsorEmailNotificationTemplate, row.id)
            assert again is not None and again.subject == row.subject  # nothing saved
    finally:
        await delete_user(app, boss)


async def test_admin_notifies_selected_sponsorships_after_a_preview(
    app: Litestar, client: AsyncTestClient[Litestar], sponsor: Sponsor, seeded_settings: Settings
) -> None:
    from tests.conftest import csrf_token, log_in

    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    boss = unique("notifier")
    await make_user(app, boss, is_staff=True, is_superuser=True)
    async with app.state.db_config.get_session() as session:
        template = SponsorEmailNotificationTemplate(internal_name=unique("reminder"),
                                                    subject="Hello {{ sponsor_name }}",
                                                    content="Your {{ sponsorship_level }} benefits: {{ benefits | length }}.")  # fmt: skip
        session.add(template)
        await session.commit()
    try:
        await log_in(client, boss)
        token = await csrf_token(client, "/admin/sponsors/sponsorship/")
        base = {"_csrf_token": token, "_selected": str(pk), "action": "send_notifications"}
        first = await client.post("/admin/sponsors/sponsorship/", data=base)
        assert first.status_code == 200 and template.internal_name in first.text
        incomplete = await client.post("/admin/sponsors/sponsorship/", data={**base, "step": "preview"})
        assert incomplete.status_code == 400 and "Choose a template." in incomplete.text
        choice = {**base, "template": str(template.id), "contact_types": "primary"}
        preview = await client.post("/admin/sponsors/sponsorship/", data={**choice, "step": "preview"})
        assert preview.status_code == 200
        assert f"Hello {sponsor.name}" in preview.text and _contact(sponsor) in preview.text
        assert not read_mails(seeded_settings, _contact(sponsor))  # a preview sends nothing
        sent = await client.post("/admin/sponsors/sponsorship/", data={**choice, "step": "send"},
                                 follow_redirects=False)  # fmt: skip
        assert sent.status_code == 302
        mails = await wait_for_mail(seeded_settings, _contact(sponsor))
        assert [str(m["Subject"]) for m in mails] == [f"Hello {sponsor.name}"]
        history = await client.get(f"/admin/sponsors/sponsorship/{pk}/history/")
        assert f"Notification &#39;{template.internal_name}&#39; was sent to: {_contact(sponsor)}" in history.text
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(SponsorEmailNotificationTemplate).where(
                SponsorEmailNotificationTemplate.id == template.id))  # fmt: skip
            await session.commit()
        await delete_user(app, boss)


async def test_admin_exports_sponsorships_as_csv_and_xlsx(
    app: Litestar, client: AsyncTestClient[Litestar], sponsor: Sponsor
) -> None:
    import csv
    import io

    from openpyxl import load_workbook

    from pydotorg.domain.sponsors.exports import COLUMNS
    from tests.conftest import csrf_token, log_in

    offer = await _offer(app)
    pk = await _apply(app, sponsor, offer)
    async with app.state.db_config.get_session() as session:
        row = await session.get(Sponsor, sponsor.id)
        assert row is not None
        row.landing_page_url = '=HYPERLINK("http://evil")'
        await session.commit()
    boss = unique("exporter")
    await make_user(app, boss, is_staff=True, is_superuser=True)
    try:
        await log_in(client, boss)
        token = await csrf_token(client, "/admin/sponsors/sponsorship/")
        data = {"_csrf_token": token, "_selected": str(pk)}
        as_csv = await client.post("/admin/sponsors/sponsorship/", data={**data, "action": "export_csv"})
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
        table = list(csv.reader(io.StringIO(as_csv.text)))
        assert table[0] == COLUMNS
        assert table[1][0] == sponsor.name and table[1][2] == _contact(sponsor)
        assert table[1][4] == "primary" and table[1][9] == "Visionary"
        assert table[1][8].startswith("'=")  # never a formula
        assert table[1][11] == f"http://testserver.local/admin/sponsors/sponsorship/{pk}/change/"
        as_xlsx = await client.post("/admin/sponsors/sponsorship/", data={**data, "action": "export_xlsx"})
        assert as_xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
        assert sheet is not None
        cells = [[c.value for c in r] for r in sheet.iter_rows()]
        assert cells[0] == COLUMNS and cells[1][0] == sponsor.name
    finally:
        await delete_user(app, boss)


# -- every transition from every state ---------------------------------------------------------------------------
LEGAL = {
    ("applied", "approve"): "approved",
    ("applied", "reject"): "rejected",
    ("approved", "finalize"): "finalized",
    ("applied", "rollback"): "applied",
    ("approved", "rollback"): "applied",
    ("rejected", "rollback"): "applied",
}


@pytest.mark.parametrize("status", ["applied", "approved", "rejected", "finalized"])
@pytest.mark.parametrize("transition", ["approve", "reject", "finalize", "rollback"])
async def test_transition_matrix(app: Litestar, sponsor: Sponsor, status: str, transition: str) -> None:
    async with app.state.db_config.get_session() as session:
        row = Sponsorship(sponsor_id=sponsor.id, status=status, locked=status != "applied", applied_on=TODAY)
        session.add(row)
        await session.commit()
        pk = row.id
    since = await _last_log(app)
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, pk)
        expected = LEGAL.get((status, transition))
        start, end = TODAY, TODAY + datetime.timedelta(days=10)

        async def move() -> None:
            if transition == "approve":
                services.approve(session, sponsorship, None, start, end)
            elif transition == "reject":
                services.reject(session, sponsorship, None)
            elif transition == "finalize":
                services.finalize(session, sponsorship, None)
            else:
                await services.rollback_to_editing(session, sponsorship, None)

        if expected is None:
            with pytest.raises(services.InvalidStatusError, match=r"Can't (approve|reject|finalize|rollback)"):
                await move()
            assert not session.dirty and not session.new  # refused before changing anything
            return
        await move()
        await session.commit()
        assert sponsorship.status == expected
        assert sponsorship.locked == (expected != "applied" or status != "applied")
    assert len(await _log(app, pk, since)) == 1  # recorded


async def test_oversized_and_fake_logos_are_refused_with_a_message(
    app: Litestar, client: AsyncTestClient[Litestar]
) -> None:
    from tests.conftest import csrf_token, log_in

    offer = await _offer(app)
    name = unique("biglogo")
    await make_user(app, name)
    try:
        await log_in(client, name)
        await _step_1(client, {"standalone_benefits": str(offer.standalone.id)})
        token = await csrf_token(client, "/sponsors/application/new/")
        fields = {"_csrf_token": token, "name": unique("Big Logo Corp"), "description": "x", "primary_phone": "1",
                  "mailing_address_line_1": "1", "city": "c", "postal_code": "1", "country": "US",
                  "contact-0-name": "A", "contact-0-email": f"{name}@example.org", "contact-0-primary": "on"}  # fmt: skip
        large = await client.post("/sponsors/application/new/", data=fields,
                                  files={"web_logo": ("big.png", b"\x89PNG" + b"0" * (6 * 1024 * 1024), "image/png")})  # fmt: skip
        assert large.status_code == 400 and "The file is too large (at most 5 MB)." in large.text
        svg = await client.post("/sponsors/application/new/", data=fields,
                                files={"web_logo": ("logo.svg", b"<svg/>", "image/svg+xml")})  # fmt: skip
        assert svg.status_code == 400 and "Files of type &#39;.svg&#39; are not allowed" in svg.text
        huge = await client.post("/sponsors/application/new/", data=fields,
                                 files={"web_logo": ("huge.png", b"0" * (50 * 1024 * 1024), "image/png")})  # fmt: skip
        assert huge.status_code == 413
        async with app.state.db_config.get_session() as session:
            left = await session.execute(select(Sponsor).where(Sponsor.name == fields["name"]))
            assert left.first() is None
    finally:
        await delete_user(app, name)


async def test_every_placement_loads_in_one_statement(app: Litestar) -> None:
    """The site content snapshot's sponsor logos: one query (placements joined to their benefit, sponsorship,
    sponsor and package), however many sponsors; the pages then read the snapshot without a statement."""
    from sqlalchemy import event

    from pydotorg.domain.sponsors.placements import load_placements

    engine = app.state.db_config.get_engine().sync_engine
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    async with app.state.db_config.get_session() as session:
        event.listen(engine, "before_cursor_execute", count)
        try:
            placements = await load_placements(session)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert {g.level_name for g in placements.groups()} >= {"Visionary", "Sustainability", "Maintaining"}
