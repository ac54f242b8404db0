"""Sponsorship contracts (Django's ``Contract`` and its use cases): the statement of work drafted when a sponsorship
is approved, its documents, sending, execution with the signed copy, nullifying and redrafting.

States::

    draft --send--> awaiting signature --execute--> executed
      \\--execute (an existing signed contract)--/    \\--nullify--> nullified --redraft--> draft

Every move refuses the wrong state with a message and is written to the sponsorship's history. Django rendered the
documents inside the admin request through pandoc and TeX; here a background job renders them (``render_state``
shows queued, rendering, done or failed with the reason) and a failed rendering leaves the contract in draft.
Final and signed documents are stored under names no one can guess.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import secrets
from enum import StrEnum
from typing import Any

from advanced_alchemy.utils.text import slugify
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import utcnow
from pydotorg.db.models import Contract, Sponsor, Sponsorship, SponsorshipPackage
from pydotorg.db.models.sponsors import SponsorshipStatus
from pydotorg.domain.sponsors import documents, services
from pydotorg.lib.errors import ConflictError, InvalidError, NotFoundError
from pydotorg.lib.jobs import CoreJob, JobContext, job
from pydotorg.lib.mail import Attachment
from pydotorg.settings import Settings
from pydotorg.web.changes import after_commit
from pydotorg.web.media import MediaStorage

logger = logging.getLogger(__name__)
CONTRACTS_FOLDER = "sponsors/contracts"
SIGNED_FOLDER = "sponsors/contracts/signed"
MAX_SIGNED_BYTES = 10 * 1024 * 1024


class ContractStatus(StrEnum):
    DRAFT = "draft"
    OUTDATED = "outdated"
    AWAITING_SIGNATURE = "awaiting signature"
    EXECUTED = "executed"
    NULLIFIED = "nullified"


NEXT_STATUS: dict[str, frozenset[str]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.AWAITING_SIGNATURE, ContractStatus.EXECUTED}),
    ContractStatus.AWAITING_SIGNATURE: frozenset({ContractStatus.EXECUTED, ContractStatus.NULLIFIED}),
    ContractStatus.NULLIFIED: frozenset({ContractStatus.DRAFT}),
    ContractStatus.EXECUTED: frozenset(),
    ContractStatus.OUTDATED: frozenset(),
}


class SponsorsJob(StrEnum):
    RENDER_CONTRACT = "render_contract"


class ContractStateError(ConflictError):
    """The contract's status does not allow the move."""


class SignedDocumentError(InvalidError):
    """The signed copy is not an acceptable PDF."""


def label(status: str) -> str:
    return status.title()


def _check(contract: Contract, target: str, verb: str) -> None:
    if target not in NEXT_STATUS.get(contract.status, frozenset()):
        raise ContractStateError(f"Can't {verb} a contract that is {label(contract.status)}.")


async def contract_or_404(session: AsyncSession, pk: int) -> Contract:
    contract = await session.get(Contract, pk)
    if contract is None:
        raise NotFoundError("No such contract.")
    return contract


async def _sponsorship(session: AsyncSession, contract: Contract) -> Sponsorship:
    if contract.sponsorship_id is None:
        raise ContractStateError("This contract belongs to no sponsorship.")
    return await services.get_sponsorship(session, contract.sponsorship_id)


async def previous_effective_date(session: AsyncSession, sponsorship: Sponsorship) -> datetime.date | None:
    """Django's ``previous_effective_date``: when the sponsor's previous sponsorship (by year) started."""
    if sponsorship.sponsor_id is None:
        return None
    rows = await session.execute(
        select(Sponsorship.start_date)
        .where(Sponsorship.sponsor_id == sponsorship.sponsor_id, Sponsorship.id != sponsorship.id)
        .where(Sponsorship.status == SponsorshipStatus.FINALIZED)
        .order_by(Sponsorship.year.desc().nulls_last(), Sponsorship.start_date.desc())
        .limit(1)
    )
    return rows.scalar()


async def statement_of_work(session: AsyncSession, contract: Contract) -> documents.StatementOfWork:
    sponsorship = await _sponsorship(session, contract)
    sponsor = await session.get(Sponsor, sponsorship.sponsor_id) if sponsorship.sponsor_id else None
    package = await session.get(SponsorshipPackage, sponsorship.package_id) if sponsorship.package_id else None
    level = package.name if package is not None else sponsorship.level_name_old
    previous = await previous_effective_date(session, sponsorship)
    return documents.statement_of_work(contract, sponsorship, sponsor, level, previous)


async def render(session: AsyncSession, contract: Contract, kind: str) -> bytes:
    """One document now (the admin's preview): ``pdf`` or ``docx``."""
    sow = await statement_of_work(session, contract)
    if kind == "docx":
        return await asyncio.to_thread(documents.render_docx, sow)
    if kind == "pdf":
        return await asyncio.to_thread(documents.render_pdf, sow)
    raise InvalidError("Preview as pdf or docx.")


def document_name(sow: documents.StatementOfWork, extension: str) -> str:
    """Django's "SoW: <SPONSOR>-<hex>": the sponsor's name for people, a random part so the URL cannot be guessed."""
    # at most 100 characters with its folder (Django's column): 30 of the name, 128 random bits
    return f"SoW-{slugify(sow.sponsor_name)[:30].strip('-') or 'sponsor'}-{secrets.token_hex(16)}.{extension}"


# -- moves -----------------------------------------------------------------------------------------------------------
async def request_send(session: AsyncSession, contract: Contract, actor_id: int | None) -> None:
    """Send: the final PDF and DOCX are rendered by a job, which then moves the contract to awaiting signature and
    mails the PDF to the PSF. Refused unless the contract is a draft not already being rendered."""
    _check(contract, ContractStatus.AWAITING_SIGNATURE, "send")
    if contract.render_state in {"queued", "rendering"}:
        raise ContractStateError("This contract is being rendered already.")
    contract.render_state, contract.render_error = "queued", ""
    sponsorship = await _sponsorship(session, contract)
    services.record(session, actor_id, sponsorship, "Contract queued for sending.")
    after_commit(session, SponsorsJob.RENDER_CONTRACT, contract_id=contract.id, actor_id=actor_id)


def check_signed_pdf(filename: str, content: bytes) -> None:
    """A signed copy is a PDF (its header and end-of-file marker) of at most 10 MB."""
    if not filename.lower().endswith(".pdf"):
        raise SignedDocumentError("The signed contract must be a .pdf file.")
    if len(content) > MAX_SIGNED_BYTES:
        raise SignedDocumentError(f"The signed contract is too large (at most {MAX_SIGNED_BYTES // 1024 // 1024} MB).")
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise SignedDocumentError("The file is not a PDF document.")


async def execute(
    session: AsyncSession,
    settings: Settings,
    contract: Contract,
    actor_id: int | None,
    *,
    filename: str,
    content: bytes,
    existing: bool = False,
) -> None:
    """Execute with the signed copy: from awaiting signature, or from draft for a contract signed elsewhere
    (Django's ``ExecuteExistingContractUseCase``). The sponsorship is finalized and the sponsor's other finalized
    sponsorships it overlaps are marked, so only the newest shows."""
    if existing and contract.status == ContractStatus.DRAFT:
        pass
    elif contract.status != ContractStatus.AWAITING_SIGNATURE:
        raise ContractStateError(f"Can't execute a contract that is {label(contract.status)}.")
    check_signed_pdf(filename, content)
    sponsorship = await _sponsorship(session, contract)
    if sponsorship.status != SponsorshipStatus.APPROVED:
        raise ContractStateError(
            f"Can't execute the contract of a {services.status_label(sponsorship.status)} sponsorship."
        )
    stored = await MediaStorage.from_settings(settings).store(SIGNED_FOLDER, "pdf", content)
    contract.signed_document = stored
    contract.status = ContractStatus.EXECUTED
    contract.last_update = utcnow().date()
    services.finalize(session, sponsorship, actor_id)
    if sponsorship.sponsor_id is not None and sponsorship.start_date is not None:
        await session.execute(
            update(Sponsorship)
            .where(
                Sponsorship.sponsor_id == sponsorship.sponsor_id,
                Sponsorship.id != sponsorship.id,
                Sponsorship.status == SponsorshipStatus.FINALIZED,
                Sponsorship.end_date >= sponsorship.start_date,
            )
            .values(overlapped_by_id=sponsorship.id)
            .execution_options(synchronize_session=False)
        )
    services.record(session, actor_id, sponsorship, "Contract executed" + (" (signed elsewhere)." if existing else "."))


async def nullify(session: AsyncSession, contract: Contract, actor_id: int | None) -> None:
    _check(contract, ContractStatus.NULLIFIED, "nullify")
    contract.status = ContractStatus.NULLIFIED
    contract.last_update = utcnow().date()
    services.record(session, actor_id, await _sponsorship(session, contract), "Contract nullified.")


async def redraft(session: AsyncSession, contract: Contract, actor_id: int | None) -> None:
    _check(contract, ContractStatus.DRAFT, "redraft")
    contract.status = ContractStatus.DRAFT
    contract.render_state, contract.render_error = "", ""
    contract.last_update = utcnow().date()
    services.record(session, actor_id, await _sponsorship(session, contract), "Contract back to draft.")


def revise(contract: Contract) -> None:
    """An edit of the contract's text: only while it is a draft, and each one is a new revision."""
    if contract.status != ContractStatus.DRAFT:
        raise ContractStateError(f"A contract that is {label(contract.status)} cannot be edited.")
    contract.revision += 1
    contract.last_update = utcnow().date()


# -- the rendering job -----------------------------------------------------------------------------------------------
@job(SponsorsJob.RENDER_CONTRACT)
async def render_contract(ctx: JobContext, *, contract_id: int, actor_id: int | None = None, **_: Any) -> str:
    """Render and send a contract. A failure is recorded on the contract (shown in the admin) and logged; the
    contract stays a draft and staff can send it again, so nothing is lost and nothing is half-sent."""
    async with ctx.session_factory() as session:
        contract = await session.get(Contract, contract_id)
        if contract is None or contract.status != ContractStatus.DRAFT:
            return "skipped"
        contract.render_state = "rendering"
        await session.commit()
        try:
            await _render_and_send(ctx, session, contract, actor_id)
        except Exception as exc:
            logger.exception("rendering contract %s failed", contract_id)
            await session.rollback()
            failed = await session.get(Contract, contract_id, populate_existing=True)
            if failed is not None:
                failed.render_state, failed.render_error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
                await session.commit()
            return "failed"
    return "sent"


async def _render_and_send(ctx: JobContext, session: AsyncSession, contract: Contract, actor_id: int | None) -> None:
    sow = await statement_of_work(session, contract)
    pdf = await asyncio.to_thread(documents.render_pdf, sow)
    docx = await asyncio.to_thread(documents.render_docx, sow)
    sponsorship = await _sponsorship(session, contract)
    media = MediaStorage.from_settings(ctx.settings)
    document = f"{CONTRACTS_FOLDER}/{document_name(sow, 'pdf')}"
    document_docx = f"{CONTRACTS_FOLDER}/docx/{document_name(sow, 'docx')}"
    await media.write(document, pdf)
    await media.write(document_docx, docx)
    contract.document, contract.document_docx = document, document_docx
    contract.status = ContractStatus.AWAITING_SIGNATURE
    contract.sent_on = utcnow().date()
    contract.last_update = contract.sent_on
    contract.render_state, contract.render_error = "done", ""
    services.record(session, actor_id, sponsorship, "Contract sent: awaiting signature.")
    after_commit(
        session,
        CoreJob.SEND_MAIL,
        to=[ctx.settings.sponsorship_notification_to_email],
        subject=f"Contract for {sow.sponsor_name} ready for signature",
        body=(
            f"The {sow.title.lower()} for {sow.sponsor_name} ({sow.level or 'custom'}, {sow.fee_figures}) was "
            f"sent. The PDF is attached; once signed, execute it in the admin:\n"
            f"{ctx.settings.absolute_url(f'/admin/sponsors/contract/{contract.id}/change/')}\n"
        ),
        from_email=ctx.settings.sponsorship_notification_from_email,
        reply_to=None,
        attachments=[Attachment("Contract.pdf", "application/pdf", pdf).as_job_argument()],
    )
    await session.commit()
