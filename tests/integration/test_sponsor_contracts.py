"""Sponsorship contracts (issue 19, first part): the documents (PDF and DOCX with user text printed, never
interpreted), each move of the contract from every state it may and may not leave, the background rendering with
its state and failure, execution with a signed PDF (finalizing the sponsorship and marking the ones it overlaps),
and the sponsorship approved with a contract signed elsewhere."""

from __future__ import annotations

import asyncio
import datetime
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select

from pydotorg.db.base import utcnow
from pydotorg.db.models import Contract, GenericAsset, Sponsor, SponsorContact, Sponsorship
from pydotorg.domain.sponsors import contracts, documents, services, use_cases
from pydotorg.settings import Settings
from tests.conftest import csrf_token, delete_user, log_in, make_user, wait_for_mail
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("backend")
TODAY = utcnow().date()
HOSTILE = 'ACME <img src="http://127.0.0.1:9/x"> \\input{/etc/passwd} **bold** $x$ & Co'
SIGNED = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
async def approved(app: Litestar) -> AsyncIterator[tuple[int, int]]:
    """A sponsor with a hostile name and an approved Visionary sponsorship with its draft contract."""
    async with app.state.db_config.get_session() as session:
        sponsor = Sponsor(name=unique(HOSTILE), description="We <script>alert(1)</script> widgets.",
                          web_logo="sponsor_web_logos/x.png", city="Springfield", country="US")  # fmt: skip
        session.add(sponsor)
        await session.flush()
        session.add(SponsorContact(sponsor_id=sponsor.id, name="Pat", email=f"pat-{sponsor.id}@example.org",
                                   phone="+1 555", primary=True))  # fmt: skip
        year = await services.current_year(session)
        offer = await services.catalogue(session, year)
        package = next(p for p in offer.packages if p.slug == "visionary")
        benefits = [b for b in offer.benefits if b.id in offer.package_benefits[package.id]]
        sponsorship = await services.new_sponsorship(session, sponsor, benefits, package, None)
        await use_cases.approve(session, sponsorship, None, start_date=TODAY,
                                end_date=TODAY + datetime.timedelta(days=365), sponsorship_fee=123456)  # fmt: skip
        await session.commit()
        ids = (sponsor.id, sponsorship.id)
    yield ids
    async with app.state.db_config.get_session() as session:
        owned = select(Sponsorship.id).where(Sponsorship.sponsor_id == ids[0])
        await session.execute(delete(GenericAsset).where(GenericAsset.object_id.in_(owned)))
        await session.execute(delete(Contract).where(Contract.sponsorship_id.in_(owned)))
        await session.execute(delete(Sponsorship).where(Sponsorship.sponsor_id == ids[0]))
        await session.execute(delete(Sponsor).where(Sponsor.id == ids[0]))
        await session.commit()


async def _contract(app: Litestar, sponsorship_id: int) -> Contract:
    async with app.state.db_config.get_session() as session:
        found = await session.execute(select(Contract).where(Contract.sponsorship_id == sponsorship_id))
        return found.scalar_one()


async def _wait_rendered(app: Litestar, sponsorship_id: int) -> Contract:
    for _ in range(200):
        contract = await _contract(app, sponsorship_id)
        if contract.render_state in {"done", "failed"}:
            return contract
        await asyncio.sleep(0.05)
    raise AssertionError("the contract was not rendered")


async def test_documents_print_user_text_and_interpret_none_of_it(app: Litestar, approved: tuple[int, int]) -> None:
    contract = await _contract(app, approved[1])
    async with app.state.db_config.get_session() as session:
        sow = await contracts.statement_of_work(session, contract)
        pdf = await contracts.render(session, contract, "pdf")
        docx = await contracts.render(session, contract, "docx")
    assert sow.fee_words == "one hundred and twenty-three thousand four hundred and fifty-six"
    assert sow.fee_figures == "$123,456"
    assert sow.benefits and any(b.notes == [1] for b in sow.benefits)  # the logo benefits cite clause 1
    assert sow.clauses[0][0] == 1
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # the PDF parses and says what the contract says: the sponsor, the fee, every benefit
    from docx import Document
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    printed = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    assert sow.sponsor_name.split(" <")[0] in printed and "$123,456" in printed
    assert "one hundred and twenty-three thousand four hundred and fifty-six" in printed
    for benefit in sow.benefits:
        assert benefit.text in printed, benefit.text
    assert "Page 1 of" in printed
    paragraphs = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert sow.sponsor_name in paragraphs and "$123,456" in paragraphs
    for benefit in sow.benefits:
        assert benefit.text in paragraphs, benefit.text
    # a sample for people to look at (CI keeps var/test-artifacts/)
    artifacts = Path(__file__).resolve().parents[2] / "var" / "test-artifacts"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "sample-contract.pdf").write_bytes(pdf)
    (artifacts / "sample-contract.docx").write_bytes(docx)
    archive = zipfile.ZipFile(io.BytesIO(docx))
    xml = archive.read("word/document.xml").decode()
    footers = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer"))
    assert "ACME &lt;img src=" in xml and "\\input{/etc/passwd}" in xml and "**bold** $x$ &amp; Co" in xml
    assert "one hundred and twenty-three thousand four hundred and fifty-six US dollars ($123,456)" in xml
    assert 'xml:space="preserve">PAGE<' in footers  # page numbers
    # the HTML the PDF is made from escapes the name: no element, no fetch
    html = documents._env.get_template("statement_of_work.html").render(sow=sow, psf=documents.PSF)
    assert "<img" not in html and "ACME &lt;img" in html


def test_control_characters_and_markers_parse_safely() -> None:
    assert documents.parse_benefits("- A - B [^1][^2]\n* C\nnot a bullet\n- \x00D") == [
        documents.Benefit("A - B", [1, 2]), documents.Benefit("C", []), documents.Benefit("D", [])]  # fmt: skip
    assert documents.parse_clauses("[^1]: First\n  continued\n[^2]: Second") == [(1, "First continued"),
                                                                                 (2, "Second")]  # fmt: skip


async def test_send_renders_in_the_background_then_execute_finalizes(
    app: Litestar, approved: tuple[int, int], seeded_settings: Settings
) -> None:
    sponsor_id, sponsorship_id = approved
    # an older finalized sponsorship of the same sponsor, still running: the new one overlaps it
    async with app.state.db_config.get_session() as session:
        older = Sponsorship(sponsor_id=sponsor_id, status="finalized", locked=True, applied_on=TODAY,
                            start_date=TODAY - datetime.timedelta(days=300),
                            end_date=TODAY + datetime.timedelta(days=65), year=TODAY.year - 1)  # fmt: skip
        session.add(older)
        await session.commit()
        older_id = older.id
    contract = await _contract(app, sponsorship_id)
    async with app.state.db_config.get_session() as session:
        row = await session.get(Contract, contract.id)
        assert row is not None
        with pytest.raises(contracts.ContractStateError, match="Can't nullify a contract that is Draft"):
            await contracts.nullify(session, row, None)
        await contracts.request_send(session, row, None)
        with pytest.raises(contracts.ContractStateError, match="being rendered already"):
            await contracts.request_send(session, row, None)
        await session.commit()
    sent = await _wait_rendered(app, sponsorship_id)
    assert (sent.status, sent.render_state, sent.sent_on) == ("awaiting signature", "done", TODAY)
    assert sent.document.startswith("sponsors/contracts/SoW-") and sent.document.endswith(".pdf")
    assert len(sent.document.rsplit("-", 1)[1]) == len("0" * 32 + ".pdf")  # an unguessable part
    media = seeded_settings.media_path
    assert (media / sent.document).read_bytes().startswith(b"%PDF-")
    assert (media / sent.document_docx).read_bytes().startswith(b"PK")
    mails = await wait_for_mail(seeded_settings, seeded_settings.sponsorship_notification_to_email)
    ours = [
        m
        for m in mails
        if str(m["Subject"]).startswith("Contract for")
        and f"/admin/sponsors/contract/{sent.id}/change/" in m.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    ]
    assert ours and ours[0].get_payload()[1].get_filename() == "Contract.pdf"  # type: ignore[index]
    async with app.state.db_config.get_session() as session:
        row = await session.get(Contract, sent.id)
        assert row is not None
        with pytest.raises(contracts.ContractStateError, match="Can't send"):
            await contracts.request_send(session, row, None)
        with pytest.raises(contracts.SignedDocumentError, match="not a PDF"):
            await contracts.execute(session, seeded_settings, row, None, filename="signed.pdf", content=b"GIF89a")
        with pytest.raises(contracts.SignedDocumentError, match=r"must be a \.pdf"):
            await contracts.execute(session, seeded_settings, row, None, filename="signed.exe", content=SIGNED)
        with pytest.raises(contracts.SignedDocumentError, match="too large"):
            await contracts.execute(session, seeded_settings, row, None, filename="s.pdf",
                                    content=SIGNED + b"0" * contracts.MAX_SIGNED_BYTES)  # fmt: skip
        await contracts.execute(session, seeded_settings, row, None, filename="signed.pdf", content=SIGNED)
        await session.commit()
        assert row.status == "executed" and row.signed_document.startswith("sponsors/contracts/signed/")
    async with app.state.db_config.get_session() as session:
        sponsorship = await services.get_sponsorship(session, sponsorship_id)
        assert (sponsorship.status, sponsorship.finalized_on) == ("finalized", TODAY)
        before = await session.get(Sponsorship, older_id)
        assert before is not None and before.overlapped_by_id == sponsorship_id
        row = await session.get(Contract, sent.id)
        assert row is not None
        for move in (contracts.nullify, contracts.redraft):
            with pytest.raises(contracts.ContractStateError, match="Executed"):
                await move(session, row, None)


async def test_nullify_and_redraft(app: Litestar, approved: tuple[int, int]) -> None:
    contract = await _contract(app, approved[1])
    async with app.state.db_config.get_session() as session:
        row = await session.get(Contract, contract.id)
        assert row is not None
        row.status = "awaiting signature"
        await contracts.nullify(session, row, None)
        assert row.status == "nullified"
        with pytest.raises(contracts.ContractStateError, match="Can't execute"):
            await contracts.execute(session, app.state.settings, row, None, filename="s.pdf", content=SIGNED)
        await contracts.redraft(session, row, None)
        assert (row.status, row.render_state) == ("draft", "")
        revision = row.revision
        contracts.revise(row)
        assert row.revision == revision + 1
        row.status = "executed"
        with pytest.raises(contracts.ContractStateError, match="cannot be edited"):
            contracts.revise(row)
        await session.rollback()


async def test_a_failed_rendering_leaves_a_draft_with_the_reason(app: Litestar) -> None:
    from pydotorg.server.jobs import job_context

    async with app.state.db_config.get_session() as session:
        orphan = Contract(status="draft", sponsorship_id=None, render_state="queued")
        session.add(orphan)
        await session.commit()
        pk = orphan.id
    ctx = job_context(app.state.settings, app.state.db_config.get_session, app.stores)
    assert await contracts.render_contract(ctx, contract_id=pk) == "failed"
    async with app.state.db_config.get_session() as session:
        row = await session.get(Contract, pk)
        assert row is not None
        assert (row.status, row.render_state) == ("draft", "failed")
        assert "belongs to no sponsorship" in row.render_error
        await session.delete(row)
        await session.commit()


async def test_admin_previews_sends_executes_and_approves_existing(
    app: Litestar, client: AsyncTestClient[Litestar], approved: tuple[int, int]
) -> None:
    boss = unique("lawyer")
    await make_user(app, boss, is_staff=True, is_superuser=True)
    contract = await _contract(app, approved[1])
    base = f"/admin/sponsors/contract/{contract.id}"
    try:
        await log_in(client, boss)
        change = await client.get(f"{base}/change/")
        assert change.status_code == 200 and f'href="{base}/send/"' in change.text
        pdf = await client.get(f"{base}/preview/?format=pdf")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")
        docx = await client.get(f"{base}/preview/?format=docx")
        assert docx.status_code == 200 and docx.content.startswith(b"PK")
        assert (await client.get(f"{base}/preview/?format=tex")).status_code == 404
        token = await csrf_token(client, f"{base}/change/")
        edit = await client.post(f"{base}/change/", data={"_csrf_token": token, "sponsor_info": "Edited info",
                                 "sponsor_contact": contract.sponsor_contact, "benefits_list": contract.benefits_list,
                                 "legal_clauses": contract.legal_clauses, "_save": "1"}, follow_redirects=False)  # fmt: skip
        assert edit.status_code == 302
        assert (await _contract(app, approved[1])).revision == contract.revision + 1
        send = await client.post(f"{base}/send/", data={"_csrf_token": token}, follow_redirects=False)
        assert send.status_code == 302
        sent = await _wait_rendered(app, approved[1])
        assert sent.status == "awaiting signature"
        again = await client.post(f"{base}/send/", data={"_csrf_token": token})
        assert again.status_code == 409
        locked = await client.post(f"{base}/change/", data={"_csrf_token": token, "sponsor_info": "Too late",
                                   "sponsor_contact": "", "benefits_list": "", "legal_clauses": ""})  # fmt: skip
        assert locked.status_code == 400 and "cannot be edited" in locked.text
        fake = await client.post(f"{base}/execute/", data={"_csrf_token": token},
                                 files={"signed_document": ("signed.pdf", b"<html>", "application/pdf")})  # fmt: skip
        assert fake.status_code == 400 and "not a PDF document" in fake.text
        done = await client.post(f"{base}/execute/", data={"_csrf_token": token},
                                 files={"signed_document": ("signed.pdf", SIGNED, "application/pdf")},
                                 follow_redirects=False)  # fmt: skip
        assert done.status_code == 302
        assert (await _contract(app, approved[1])).status == "executed"
    finally:
        await delete_user(app, boss)


async def test_approve_with_a_contract_signed_elsewhere(app: Litestar, client: AsyncTestClient[Litestar]) -> None:
    async with app.state.db_config.get_session() as session:
        sponsor = Sponsor(name=unique("Paper Corp"), web_logo="x.png")
        session.add(sponsor)
        await session.flush()
        year = await services.current_year(session)
        offer = await services.catalogue(session, year)
        package = next(p for p in offer.packages if p.slug == "contributing")
        benefits = [b for b in offer.benefits if b.id in offer.package_benefits[package.id]]
        sponsorship = await services.new_sponsorship(session, sponsor, benefits, package, None)
        await session.commit()
        pk = sponsorship.id
    boss = unique("paper")
    await make_user(app, boss, is_staff=True, is_superuser=True)
    url = f"/admin/sponsors/sponsorship/{pk}/approve-existing/"
    try:
        await log_in(client, boss)
        assert (await client.get(url)).status_code == 200
        token = await csrf_token(client, url)
        fields = {"_csrf_token": token, "package_id": str(package.id), "sponsorship_fee": "10000",
                  "start_date": TODAY.isoformat(), "end_date": (TODAY + datetime.timedelta(days=90)).isoformat()}  # fmt: skip
        missing = await client.post(url, data=fields)
        assert missing.status_code == 400 and "Choose the signed PDF." in missing.text
        done = await client.post(url, data=fields, files={"signed_document": ("s.pdf", SIGNED, "application/pdf")},
                                 follow_redirects=False)  # fmt: skip
        assert done.status_code == 302
        async with app.state.db_config.get_session() as session:
            row = await services.get_sponsorship(session, pk)
            assert row.status == "finalized"
            contract = (await session.execute(select(Contract).where(Contract.sponsorship_id == pk))).scalar_one()
            assert contract.status == "executed"
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Contract).where(Contract.sponsorship_id == pk))
            await session.execute(delete(GenericAsset).where(GenericAsset.object_id == pk))
            await session.execute(delete(Sponsorship).where(Sponsorship.id == pk))
            await session.execute(delete(Sponsor).where(Sponsor.id == sponsor.id))
            await session.commit()
        await delete_user(app, boss)


async def test_missing_assets_due_in_n_days_are_reminded_once_provided_not(
    app: Litestar, approved: tuple[int, int], seeded_settings: Settings
) -> None:
    from sqlalchemy import update

    from pydotorg.db.models import RequiredImgAsset, SponsorBenefit
    from pydotorg.domain.sponsors import tasks
    from pydotorg.server.jobs import job_context

    sponsor_id, sponsorship_id = approved
    due = TODAY + datetime.timedelta(days=7)
    contact = f"pat-{sponsor_id}@example.org"
    name = unique("verifier")
    await make_user(app, name, email_address=contact)  # the contact's address is verified
    try:
        async with app.state.db_config.get_session() as session:
            benefits = select(SponsorBenefit.id).where(SponsorBenefit.sponsorship_id == sponsorship_id)
            await session.execute(update(RequiredImgAsset).where(RequiredImgAsset.id.in_(
                select(RequiredImgAsset.id).where(RequiredImgAsset.sponsor_benefit_id.in_(benefits)))).values(
                due_date=due))  # fmt: skip
            await session.commit()
        ctx = job_context(seeded_settings, app.state.db_config.get_session, app.stores)
        assert await tasks.check_assets_due(ctx, days=6) == 0
        assert await tasks.check_assets_due(ctx, days=7) == 1
        mails = await wait_for_mail(seeded_settings, contact)
        assert str(mails[0]["Subject"]) == "[Action Required] PSF Sponsor deadline approaching in 7 days"
        assert "Logo for the sponsors page" in mails[0].get_content()
        assert f"/users/sponsorships/{sponsorship_id}/" in mails[0].get_content()
        async with app.state.db_config.get_session() as session:
            sponsorship = await services.get_sponsorship(session, sponsorship_id)
            required, _ = await services.asset_slots(session, sponsorship)
            slot = next(s for s in required if isinstance(s.feature, RequiredImgAsset))
            assert slot.asset is not None
            slot.asset.image = "sponsors-app-assets/provided.png"  # type: ignore[attr-defined]
            await session.commit()
        assert await tasks.check_assets_due(ctx, days=7) == 0  # provided: nothing to remind
    finally:
        await delete_user(app, name)


async def _drop_year(app: Litestar, year: int) -> None:
    from pydotorg.db.models import SponsorshipBenefit, SponsorshipPackage

    async with app.state.db_config.get_session() as session:
        await session.execute(delete(SponsorshipBenefit).where(SponsorshipBenefit.year == year))
        await session.execute(delete(SponsorshipPackage).where(SponsorshipPackage.year == year))
        await session.commit()


async def test_cloning_a_year_previews_then_copies_once(app: Litestar) -> None:
    from sqlalchemy.orm import selectinload

    from pydotorg.db.models import RequiredImgAssetConfiguration, SponsorshipBenefit, TieredBenefitConfiguration
    from pydotorg.domain.sponsors import cloning
    from pydotorg.lib.errors import InvalidError

    async with app.state.db_config.get_session() as session:
        year = await services.current_year(session)
    target = year + 1
    await _drop_year(app, target)
    try:
        async with app.state.db_config.get_session() as session:
            with pytest.raises(InvalidError, match="different years"):
                await cloning.clone_year(session, year, year, dry_run=True)
            with pytest.raises(InvalidError, match="2022 to 2050"):
                await cloning.clone_year(session, year, 3000, dry_run=True)
            with pytest.raises(InvalidError, match="no packages"):
                await cloning.clone_year(session, 2049, 2050, dry_run=True)
            preview = await cloning.clone_year(session, year, target, dry_run=True)
            assert preview.packages == ["Visionary", "Sustainability", "Maintaining", "Contributing"]
            assert "Job board postings" in preview.benefits and preview.configurations
            assert not session.new  # a dry run writes nothing
            await session.rollback()
        async with app.state.db_config.get_session() as session:
            plan = await cloning.clone_year(session, year, target, dry_run=False)
            await session.commit()
        assert (plan.packages, plan.benefits) == (preview.packages, preview.benefits)
        assert len(plan.configurations) == len(preview.configurations)
        async with app.state.db_config.get_session() as session:
            offer = await services.catalogue(session, target)
            assert {p.slug for p in offer.packages} == {"visionary", "sustainability", "maintaining", "contributing"}
            image = (await session.execute(select(RequiredImgAssetConfiguration).join(
                SponsorshipBenefit, SponsorshipBenefit.id == RequiredImgAssetConfiguration.benefit_id).where(
                SponsorshipBenefit.year == target))).scalar_one()  # fmt: skip
            assert image.internal_name == f"sponsors_page_logo_{target}"
            assert image.due_date == datetime.date(target, 12, 31)
            tiers = (await session.execute(select(TieredBenefitConfiguration).join(
                SponsorshipBenefit, SponsorshipBenefit.id == TieredBenefitConfiguration.benefit_id).where(
                SponsorshipBenefit.year == target))).scalars().all()  # fmt: skip
            assert {t.package_id for t in tiers} == {p.id for p in offer.packages}  # the new year's packages
            logo = (await session.execute(select(SponsorshipBenefit).where(
                SponsorshipBenefit.year == target, SponsorshipBenefit.name == "Logo on the PSF sponsors page").options(
                selectinload(SponsorshipBenefit.legal_clauses)))).scalar_one()  # fmt: skip
            assert [c.internal_name for c in logo.legal_clauses] == ["Logo use"]
        async with app.state.db_config.get_session() as session:
            again = await cloning.clone_year(session, year, target, dry_run=False)
            await session.commit()
        assert again.created == 0 and len(again.kept) == len(plan.packages) + len(plan.benefits)
    finally:
        await _drop_year(app, target)


async def test_admin_clones_a_year_after_a_preview(app: Litestar, client: AsyncTestClient[Litestar]) -> None:
    from pydotorg.db.models import SponsorshipCurrentYear, SponsorshipPackage

    async with app.state.db_config.get_session() as session:
        current = (await session.execute(select(SponsorshipCurrentYear))).scalar_one()
    target = current.year + 1
    boss = unique("cloner")
    await make_user(app, boss, is_staff=True, is_superuser=True)
    url = f"/admin/sponsors/sponsorshipcurrentyear/{current.id}/clone-year-config/"
    try:
        await log_in(client, boss)
        assert (await client.get(url)).status_code == 200
        token = await csrf_token(client, url)
        bad = await client.post(url, data={"_csrf_token": token, "from_year": "x", "to_year": "2"})
        assert bad.status_code == 400 and "Enter two years." in bad.text
        preview = await client.post(url, data={"_csrf_token": token, "from_year": str(current.year),
                                               "to_year": str(target), "step": "preview"})  # fmt: skip
        assert preview.status_code == 200 and "Visionary" in preview.text
        async with app.state.db_config.get_session() as session:
            assert not (
                await session.execute(select(SponsorshipPackage).where(SponsorshipPackage.year == target))
            ).first()
        done = await client.post(url, data={"_csrf_token": token, "from_year": str(current.year),
                                            "to_year": str(target), "step": "clone"}, follow_redirects=False)  # fmt: skip
        assert done.status_code == 302
        async with app.state.db_config.get_session() as session:
            assert (await session.execute(select(SponsorshipPackage).where(SponsorshipPackage.year == target))).first()
        history = await client.get(f"/admin/sponsors/sponsorshipcurrentyear/{current.id}/history/")
        assert f"Cloned {current.year} into {target}" in history.text
    finally:
        await _drop_year(app, target)
        await delete_user(app, boss)


async def test_asset_admin_filters_by_value_and_exports_a_zip(
    app: Litestar, client: AsyncTestClient[Litestar], approved: tuple[int, int], seeded_settings: Settings
) -> None:
    from pydotorg.db.models import ImgAsset, TextAsset

    sponsor_id, sponsorship_id = approved
    media = seeded_settings.media_path
    (media / "sponsors-app-assets").mkdir(parents=True, exist_ok=True)
    (media / "sponsors-app-assets" / "export-test.png").write_bytes(b"\x89PNG fake image bytes")
    async with app.state.db_config.get_session() as session:
        text = (await session.execute(select(TextAsset).where(TextAsset.content_type == "sponsorship",
                TextAsset.object_id == sponsorship_id, TextAsset.internal_name.like("blog_post_draft_%")))).scalar_one()  # fmt: skip
        text.text = "Our draft <b>post</b>"
        image = (await session.execute(select(ImgAsset).where(ImgAsset.content_type == "sponsor",
                 ImgAsset.object_id == sponsor_id))).scalar_one()  # fmt: skip
        image.image = "sponsors-app-assets/export-test.png"
        code = (await session.execute(select(TextAsset).where(TextAsset.content_type == "sponsorship",
                TextAsset.object_id == sponsorship_id, TextAsset.internal_name.like("job_board_code_%")))).scalar_one()  # fmt: skip
        await session.commit()
        ids = [text.id, image.id, code.id]
    boss = unique("assets")
    await make_user(app, boss, is_staff=True, is_superuser=True)
    try:
        await log_in(client, boss)
        with_value = await client.get("/admin/sponsors/genericasset/?value=yes&q=blog_post_draft")
        assert with_value.status_code == 200 and f'value="{text.id}"' in with_value.text
        without = await client.get("/admin/sponsors/genericasset/?value=no&q=job_board_code")
        assert f'value="{code.id}"' in without.text and f'value="{text.id}"' not in without.text
        token = await csrf_token(client, "/admin/sponsors/genericasset/")
        export = await client.post("/admin/sponsors/genericasset/", data={"_csrf_token": token, "action":
                                   "export_assets", "_selected": [str(i) for i in ids]})  # fmt: skip
        assert export.status_code == 200 and export.headers["content-type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(export.content))
        names = archive.namelist()
        draft = next(n for n in names if "blog_post_draft" in n)
        assert draft.endswith(".txt") and archive.read(draft) == b"Our draft <b>post</b>"
        assert archive.read(next(n for n in names if n.endswith(".png"))) == b"\x89PNG fake image bytes"
        assert "job_board_code" in archive.read("README.txt").decode()  # named as empty, not left out silently
    finally:
        await delete_user(app, boss)


CONTRACT_LEGAL = {
    ("draft", "send"): "awaiting signature",
    ("draft", "execute existing"): "executed",
    ("awaiting signature", "execute"): "executed",
    ("awaiting signature", "execute existing"): "executed",
    ("awaiting signature", "nullify"): "nullified",
    ("nullified", "redraft"): "draft",
}


@pytest.mark.parametrize("status", ["draft", "awaiting signature", "executed", "nullified", "outdated"])
@pytest.mark.parametrize("move", ["send", "execute", "execute existing", "nullify", "redraft"])
async def test_contract_transition_matrix(app: Litestar, approved: tuple[int, int], status: str, move: str) -> None:
    contract = await _contract(app, approved[1])
    async with app.state.db_config.get_session() as session:
        row = await session.get(Contract, contract.id)
        assert row is not None
        row.status = status
        await session.commit()
    async with app.state.db_config.get_session() as session:
        row = await session.get(Contract, contract.id)
        assert row is not None
        settings = app.state.settings

        async def act() -> None:
            if move == "send":
                await contracts.request_send(session, row, None)
            elif move.startswith("execute"):
                await contracts.execute(session, settings, row, None, filename="s.pdf", content=SIGNED,
                                        existing=move == "execute existing")  # fmt: skip
            elif move == "nullify":
                await contracts.nullify(session, row, None)
            else:
                await contracts.redraft(session, row, None)

        expected = CONTRACT_LEGAL.get((status, move))
        if expected is None:
            with pytest.raises(contracts.ContractStateError, match="Can't"):
                await act()
            assert not session.dirty and not session.new  # nothing changed
            return
        await act()
        target = "draft" if move == "send" else expected  # sending moves on once the job has rendered it
        assert row.status == target
        if move == "send":
            assert row.render_state == "queued"
