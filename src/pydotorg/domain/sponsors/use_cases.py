"""Sponsorship use cases (Django's ``use_cases.py``): each owns one operation — the rule, the writes, the admin
history and the mail that leaves when the transaction commits. The application form, the admin's buttons and
the CLI call these; none of them writes a sponsorship any other way."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import (
    Contract,
    LegalClause,
    RequiredImgAsset,
    RequiredResponseAsset,
    RequiredTextAsset,
    Sponsor,
    SponsorContact,
    Sponsorship,
    SponsorshipBenefit,
    SponsorshipPackage,
    User,
)
from pydotorg.db.models.sponsors import benefit_legal_clauses
from pydotorg.domain.sponsors import notifications as mail
from pydotorg.domain.sponsors import services
from pydotorg.settings import Settings


async def mail_context(session: AsyncSession, settings: Settings, sponsorship: Sponsorship) -> dict[str, Any]:
    """What every sponsorship template may use (Django's: sponsor_name, sponsorship_level, dates, status)."""
    sponsor = await session.get(Sponsor, sponsorship.sponsor_id) if sponsorship.sponsor_id else None
    package = await session.get(SponsorshipPackage, sponsorship.package_id) if sponsorship.package_id else None
    benefits = await services.sponsor_benefits(session, sponsorship.id)
    features = await services.features_of(session, sponsorship.id)
    required = [
        str(feature.label)
        for feature in features
        if isinstance(feature, RequiredImgAsset | RequiredTextAsset | RequiredResponseAsset) and feature.label
    ]
    submitter = ""
    if sponsorship.submited_by_id:
        user = await session.get(User, sponsorship.submited_by_id)
        submitter = f"{user.username} <{user.email}>" if user is not None else ""
    return {
        "sponsor_name": sponsor.name if sponsor is not None else "",
        "sponsorship_level": package.name if package is not None else sponsorship.level_name_old,
        "year": sponsorship.year,
        "start_date": sponsorship.start_date,
        "end_date": sponsorship.end_date,
        "status": services.status_label(sponsorship.status),
        "for_modified_package": sponsorship.for_modified_package,
        "estimated_cost": await services.estimated_cost(session, sponsorship.id),
        "submitted_by": submitter,
        "benefits": [f"{b.program_name} - {b.name}" for b in benefits],
        "required_assets": required,
        "sponsorship_url": settings.absolute_url(f"/users/sponsorships/{sponsorship.id}/"),
        "admin_url": settings.absolute_url(f"/admin/sponsors/sponsorship/{sponsorship.id}/"),
    }


async def apply(
    session: AsyncSession,
    settings: Settings,
    *,
    sponsor: Sponsor,
    benefits: list[SponsorshipBenefit],
    package: SponsorshipPackage | None,
    user_id: int,
    user_email: str,
) -> tuple[Sponsorship, list[str]]:
    """Django's ``CreateSponsorshipApplicationUseCase``: the sponsorship, then a mail to the PSF and one to the
    submitter and the sponsor's verified contacts. Returns the sponsorship and the addresses told."""
    sponsorship = await services.new_sponsorship(session, sponsor, benefits, package, user_id)
    context = await mail_context(session, settings, sponsorship)
    sender = settings.sponsorship_notification_from_email
    await mail.notify(
        session, mail.APPLICATION_TO_PSF, [settings.sponsorship_notification_to_email], context, from_email=sender
    )
    told = list(dict.fromkeys([user_email, *await services.verified_emails(session, sponsor.id)]))
    await mail.notify(session, mail.APPLICATION_TO_SPONSOR, told, context, from_email=sender)
    return sponsorship, told


async def reject(session: AsyncSession, settings: Settings, sponsorship: Sponsorship, actor_id: int | None) -> None:
    """Django's ``RejectSponsorshipApplicationUseCase``: rejected, the PSF and the sponsor's contacts told."""
    services.reject(session, sponsorship, actor_id)
    context = await mail_context(session, settings, sponsorship)
    sender = settings.sponsorship_notification_from_email
    await mail.notify(
        session, mail.REJECTION_TO_PSF, [settings.sponsorship_notification_to_email], context, from_email=sender
    )
    told = await services.verified_emails(session, sponsorship.sponsor_id)
    await mail.notify(session, mail.REJECTION_TO_SPONSOR, told, context, from_email=sender)


async def approve(
    session: AsyncSession,
    sponsorship: Sponsorship,
    actor_id: int | None,
    *,
    start_date: datetime.date,
    end_date: datetime.date,
    package_id: int | None = None,
    sponsorship_fee: int | None = None,
    renewal: bool | None = None,
) -> Contract:
    """Django's ``ApproveSponsorshipApplicationUseCase``: the package, fee and renewal staff agreed, the approval,
    and the draft contract (a snapshot of the sponsor, its contact, the benefits and their legal clauses). A refusal
    comes before any change."""
    services.check_approval(sponsorship, start_date, end_date)
    if package_id is not None:
        sponsorship.package_id = package_id
        package = await session.get(SponsorshipPackage, package_id)
        if package is not None:
            sponsorship.level_name_old = package.name
    if sponsorship_fee is not None:
        sponsorship.sponsorship_fee = sponsorship_fee
    if renewal is not None:
        sponsorship.renewal = renewal
    services.approve(session, sponsorship, actor_id, start_date, end_date)
    return await draft_contract(session, sponsorship)


async def draft_contract(session: AsyncSession, sponsorship: Sponsorship) -> Contract:
    """Django's ``Contract.new``: the contract's text is frozen from the sponsorship as it is now. Each benefit is a
    bullet; its legal clauses become numbered footnotes, each clause once however many benefits cite it."""
    existing = (
        await session.execute(select(Contract).where(Contract.sponsorship_id == sponsorship.id))
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    sponsor = await session.get(Sponsor, sponsorship.sponsor_id) if sponsorship.sponsor_id else None
    contact = None
    if sponsor is not None:
        contacts = await services.contacts_of(session, sponsor.id)
        contact = next((c for c in contacts if c.primary), contacts[0] if contacts else None)
    benefits = await services.sponsor_benefits(session, sponsorship.id)
    catalogue_ids = [b.sponsorship_benefit_id for b in benefits if b.sponsorship_benefit_id]
    clauses_of: dict[int, list[LegalClause]] = {}
    if catalogue_ids:
        rows = await session.execute(
            select(benefit_legal_clauses.c.sponsorshipbenefit_id, LegalClause)
            .join(LegalClause, LegalClause.id == benefit_legal_clauses.c.legalclause_id)
            .where(benefit_legal_clauses.c.sponsorshipbenefit_id.in_(catalogue_ids))
            .order_by(LegalClause.order, LegalClause.id)
        )
        for benefit_id, clause in rows.tuples():
            clauses_of.setdefault(benefit_id, []).append(clause)
    cited: list[LegalClause] = []
    bullets: list[str] = []
    for benefit in benefits:
        marks = ""
        for clause in clauses_of.get(benefit.sponsorship_benefit_id or 0, []):
            if clause not in cited:
                cited.append(clause)
            marks += f"[^{cited.index(clause) + 1}]"
        bullets.append(f"- {benefit.program_name} - {benefit.name}" + (f" {marks}" if marks else ""))
    contract = Contract(
        sponsorship_id=sponsorship.id,
        status="draft",
        sponsor_info=_sponsor_info(sponsor),
        sponsor_contact=_contact_line(contact),
        benefits_list="\n".join(bullets),
        legal_clauses="\n".join(f"[^{n}]: {clause.clause}" for n, clause in enumerate(cited, start=1)),
    )
    session.add(contract)
    await session.flush()
    return contract


def _sponsor_info(sponsor: Sponsor | None) -> str:
    if sponsor is None:
        return ""
    address = ", ".join(
        part
        for part in (
            sponsor.mailing_address_line_1,
            sponsor.mailing_address_line_2,
            sponsor.city,
            sponsor.state,
            sponsor.postal_code,
            sponsor.country,
        )
        if part
    )
    return f"{sponsor.name}, {sponsor.description}".strip(", ") + (f" ({address})" if address else "")


def _contact_line(contact: SponsorContact | None) -> str:
    if contact is None:
        return ""
    return (
        f"{contact.name} - {contact.phone} | {contact.email}" if contact.phone else f"{contact.name} | {contact.email}"
    )
