"""The sponsorship lifecycle: the rules of Django's ``Sponsorship`` and ``SponsorshipPackage`` models and its use
cases, as functions over loaded rows. Nothing here knows about HTTP: refusals are domain errors, which the pages,
the admin and the CLI show as messages.

States (Django's ``next_status``)::

    applied --approve--> approved --finalize--> finalized
       \\--reject--> rejected
    applied / approved / rejected --rollback to editing--> applied (only while no contract left draft)

Every transition records who made it in the admin history (Django wrote ``LogEntry`` rows from its admin views
only; here the rule does it, so a transition made anywhere is recorded). Any status but ``applied`` locks the
sponsorship (Django's ``save()``); staff may unlock it for the sponsor to edit.

``new_sponsorship`` is Django's ``Sponsorship.new``: one transaction creates the sponsorship, copies each chosen
catalogue benefit into a ``SponsorBenefit`` with its features (one query loads every feature configuration of all
the chosen benefits, every kind at once) and makes sure the sponsor or the sponsorship has one asset row per
required or provided asset.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload, with_polymorphic

from pydotorg.db.base import utcnow
from pydotorg.db.models import (
    BenefitFeature,
    BenefitFeatureConfiguration,
    Contract,
    EmailAddress,
    EmailTargetable,
    EmailTargetableConfiguration,
    FileAsset,
    GenericAsset,
    LogoPlacement,
    LogoPlacementConfiguration,
    ProvidedFileAsset,
    ProvidedFileAssetConfiguration,
    ProvidedTextAsset,
    ProvidedTextAssetConfiguration,
    RequiredImgAsset,
    RequiredImgAssetConfiguration,
    RequiredResponseAsset,
    RequiredResponseAssetConfiguration,
    RequiredTextAsset,
    RequiredTextAssetConfiguration,
    ResponseAsset,
    Sponsor,
    SponsorBenefit,
    SponsorContact,
    Sponsorship,
    SponsorshipBenefit,
    SponsorshipCurrentYear,
    SponsorshipPackage,
    SponsorshipProgram,
    TextAsset,
    TieredBenefit,
    TieredBenefitConfiguration,
)
from pydotorg.db.models.sponsors import ImgAsset, SponsorshipStatus, benefit_conflicts, benefit_packages
from pydotorg.db.models.users import AdminAction, AdminLogEntry
from pydotorg.lib.errors import ConflictError, InvalidError, NotFoundError

SPONSORSHIP_ADMIN_KEY = "sponsors.sponsorship"

#: Django's ``next_status``: the statuses each status may move to.
NEXT_STATUS: dict[str, frozenset[str]] = {
    SponsorshipStatus.APPLIED: frozenset({SponsorshipStatus.APPROVED, SponsorshipStatus.REJECTED}),
    SponsorshipStatus.APPROVED: frozenset({SponsorshipStatus.FINALIZED}),
    SponsorshipStatus.REJECTED: frozenset(),
    SponsorshipStatus.FINALIZED: frozenset(),
}
#: Statuses a sponsor can be rolled back from to edit the application again.
ROLLBACK_FROM = frozenset({SponsorshipStatus.APPLIED, SponsorshipStatus.APPROVED, SponsorshipStatus.REJECTED})
#: Django's ``in_progress()``: a sponsor with one of these may not apply again.
IN_PROGRESS = (SponsorshipStatus.APPLIED, SponsorshipStatus.APPROVED)
#: What a sponsor's contacts see on their dashboard (Django's ``visible_to``).
VISIBLE_STATUSES = (SponsorshipStatus.APPLIED, SponsorshipStatus.APPROVED, SponsorshipStatus.FINALIZED)

PUBLISHERS: dict[str, str] = {"psf": "Foundation", "pycon": "Pycon", "pypi": "Pypi", "core": "Core Dev"}
LOGO_PLACES: dict[str, str] = {
    "sidebar": "Sidebar",
    "sponsors": "Sponsors Page",
    "jobs": "Jobs",
    "blogpost": "Blog",
    "footer": "Footer",
    "docs": "Docs",
    "download": "Download Page",
    "devguide": "Devguide",
}
RELATED_TO: dict[str, str] = {"sponsor": "Sponsor", "sponsorship": "Sponsorship"}


class InvalidStatusError(ConflictError):
    """The sponsorship's status does not allow the transition."""


class SponsorWithExistingApplicationError(ConflictError):
    """The sponsor already has an application in progress."""


class InvalidDateRangeError(InvalidError):
    """A sponsorship must start before it ends."""


def status_label(status: str) -> str:
    return SponsorshipStatus.CHOICES.get(status, status)


def level_name(sponsorship: Sponsorship) -> str:
    """The package's name, or the name stored before packages existed (``package`` must be loaded)."""
    return sponsorship.package.name if sponsorship.package is not None else sponsorship.level_name_old


def is_active(sponsorship: Sponsorship, today: datetime.date | None = None) -> bool:
    today = today or utcnow().date()
    return sponsorship.status == SponsorshipStatus.FINALIZED and bool(
        sponsorship.end_date and sponsorship.end_date > today
    )


def open_for_editing(sponsorship: Sponsorship) -> bool:
    return sponsorship.status == SponsorshipStatus.APPLIED or not sponsorship.locked


# -- queries ---------------------------------------------------------------------------------------------------------
def enabled_clause(today: datetime.date | None = None) -> Any:
    """Django's ``enabled()``: finalized, running today, and not overlapped by a newer sponsorship."""
    today = today or utcnow().date()
    return and_(
        Sponsorship.status == SponsorshipStatus.FINALIZED,
        Sponsorship.start_date <= today,
        Sponsorship.end_date >= today,
        Sponsorship.overlapped_by_id.is_(None),
    )


def visible_to_clause(user_id: int) -> Any:
    """Sponsorships a user may open on the dashboard: submitted by them, or of a sponsor they are a contact of."""
    contact_of = select(SponsorContact.sponsor_id).where(SponsorContact.user_id == user_id)
    return and_(
        or_(Sponsorship.submited_by_id == user_id, Sponsorship.sponsor_id.in_(contact_of)),
        Sponsorship.status.in_(VISIBLE_STATUSES),
    )


def visible_sponsorships(user_id: int) -> Select[tuple[Sponsorship]]:
    return (
        select(Sponsorship)
        .where(visible_to_clause(user_id))
        .options(selectinload(Sponsorship.sponsor), selectinload(Sponsorship.package))
        .order_by(Sponsorship.applied_on.desc(), Sponsorship.id.desc())
    )


async def current_year(session: AsyncSession) -> int:
    """The year whose catalogue the application offers (the singleton row; this year when there is none)."""
    year = (await session.execute(select(SponsorshipCurrentYear.year).limit(1))).scalar()
    return int(year) if year is not None else utcnow().year


async def verified_emails(session: AsyncSession, sponsor_id: int | None) -> list[str]:
    """Django's ``Sponsor.verified_emails()``: the contacts' addresses that some account has verified."""
    if sponsor_id is None:
        return []
    query = (
        select(SponsorContact.email)
        .where(SponsorContact.sponsor_id == sponsor_id)
        .where(
            func.lower(SponsorContact.email).in_(
                select(func.lower(EmailAddress.email)).where(EmailAddress.verified.is_(True))
            )
        )
        .order_by(SponsorContact.id)
    )
    seen: dict[str, None] = {}
    for email in (await session.execute(query)).scalars():
        seen.setdefault(email, None)
    return list(seen)


async def contacts_of(session: AsyncSession, sponsor_id: int) -> list[SponsorContact]:
    query = select(SponsorContact).where(SponsorContact.sponsor_id == sponsor_id).order_by(SponsorContact.id)
    return list((await session.execute(query)).scalars())


# -- transitions -----------------------------------------------------------------------------------------------------
def record(session: AsyncSession, actor_id: int | None, sponsorship: Sponsorship, message: str) -> None:
    """One admin history line for the sponsorship: who did what."""
    session.add(
        AdminLogEntry(
            user_id=actor_id,
            content_type=SPONSORSHIP_ADMIN_KEY,
            object_id=str(sponsorship.id),
            object_repr=str(sponsorship)[:200],
            action_flag=int(AdminAction.CHANGE),
            change_message=message,
        )
    )


def _move(sponsorship: Sponsorship, target: str, verb: str) -> None:
    if target not in NEXT_STATUS.get(sponsorship.status, frozenset()):
        raise InvalidStatusError(f"Can't {verb} a {status_label(sponsorship.status)} sponsorship.")
    sponsorship.status = target
    sponsorship.locked = True


def reject(session: AsyncSession, sponsorship: Sponsorship, actor_id: int | None) -> None:
    _move(sponsorship, SponsorshipStatus.REJECTED, "reject")
    sponsorship.rejected_on = utcnow().date()
    record(session, actor_id, sponsorship, "Sponsorship rejected.")


def check_approval(sponsorship: Sponsorship, start_date: datetime.date, end_date: datetime.date) -> None:
    """Whether ``approve`` would accept these dates now (raises its refusal; changes nothing)."""
    if SponsorshipStatus.APPROVED not in NEXT_STATUS.get(sponsorship.status, frozenset()):
        raise InvalidStatusError(f"Can't approve a {status_label(sponsorship.status)} sponsorship.")
    if start_date >= end_date:
        raise InvalidDateRangeError("The start date must be before the end date.")


def approve(
    session: AsyncSession,
    sponsorship: Sponsorship,
    actor_id: int | None,
    start_date: datetime.date,
    end_date: datetime.date,
) -> None:
    check_approval(sponsorship, start_date, end_date)
    _move(sponsorship, SponsorshipStatus.APPROVED, "approve")
    sponsorship.start_date = start_date
    sponsorship.end_date = end_date
    sponsorship.approved_on = utcnow().date()
    record(session, actor_id, sponsorship, f"Sponsorship approved ({start_date} to {end_date}).")


def finalize(session: AsyncSession, sponsorship: Sponsorship, actor_id: int | None) -> None:
    """Approved → finalized (what executing its contract does)."""
    _move(sponsorship, SponsorshipStatus.FINALIZED, "finalize")
    sponsorship.finalized_on = utcnow().date()
    record(session, actor_id, sponsorship, "Sponsorship finalized.")


async def rollback_to_editing(session: AsyncSession, sponsorship: Sponsorship, actor_id: int | None) -> None:
    """Back to ``applied``; a draft contract is deleted, any other contract refuses the rollback."""
    if sponsorship.status not in ROLLBACK_FROM:
        raise InvalidStatusError(f"Can't rollback to edit a {status_label(sponsorship.status)} sponsorship.")
    contract = (
        await session.execute(select(Contract).where(Contract.sponsorship_id == sponsorship.id))
    ).scalar_one_or_none()
    if contract is not None:
        if contract.status != "draft":
            label = contract.status.replace("_", " ").title()
            raise InvalidStatusError(f"Can't rollback to edit a sponsorship with a {label} Contract.")
        await session.delete(contract)
    sponsorship.status = SponsorshipStatus.APPLIED
    sponsorship.approved_on = None
    sponsorship.rejected_on = None
    record(session, actor_id, sponsorship, "Sponsorship rolled back to editing.")


def set_locked(session: AsyncSession, sponsorship: Sponsorship, actor_id: int | None, *, locked: bool) -> None:
    if sponsorship.locked == locked:
        raise InvalidStatusError(f"The sponsorship is already {'locked' if locked else 'unlocked'}.")
    sponsorship.locked = locked
    record(session, actor_id, sponsorship, "Sponsorship locked." if locked else "Sponsorship unlocked for editing.")


# -- the catalogue ---------------------------------------------------------------------------------------------------
@dataclass
class Catalogue:
    """One year's offer: programs, packages (with their benefit ids), benefits, and the conflict pairs."""

    year: int
    programs: list[SponsorshipProgram]
    packages: list[SponsorshipPackage]
    benefits: list[SponsorshipBenefit]
    package_benefits: dict[int, set[int]]
    conflicts: dict[int, set[int]]

    @property
    def by_id(self) -> dict[int, SponsorshipBenefit]:
        return {b.id: b for b in self.benefits}

    def package(self, pk: int | None) -> SponsorshipPackage | None:
        return next((p for p in self.packages if p.id == pk), None)


async def catalogue(session: AsyncSession, year: int, *, advertised_only: bool = False) -> Catalogue:
    """Four queries: the year's packages, benefits (with their program), package links and conflicts."""
    packages_query = select(SponsorshipPackage).where(SponsorshipPackage.year == year)
    if advertised_only:
        packages_query = packages_query.where(SponsorshipPackage.advertise.is_(True))
    packages = list(
        (await session.execute(packages_query.order_by(SponsorshipPackage.order, SponsorshipPackage.id))).scalars()
    )
    benefits = list(
        (
            await session.execute(
                select(SponsorshipBenefit)
                .where(SponsorshipBenefit.year == year)
                .options(selectinload(SponsorshipBenefit.program))
                .order_by(SponsorshipBenefit.order, SponsorshipBenefit.id)
            )
        ).scalars()
    )
    ids = [b.id for b in benefits]
    package_benefits: dict[int, set[int]] = {p.id: set() for p in packages}
    conflicts: dict[int, set[int]] = {}
    if ids:
        links = await session.execute(
            select(benefit_packages.c.sponsorshippackage_id, benefit_packages.c.sponsorshipbenefit_id).where(
                benefit_packages.c.sponsorshipbenefit_id.in_(ids)
            )
        )
        for package_id, benefit_id in links:
            if package_id in package_benefits:
                package_benefits[package_id].add(benefit_id)
        pairs = await session.execute(
            select(benefit_conflicts.c.from_sponsorshipbenefit_id, benefit_conflicts.c.to_sponsorshipbenefit_id).where(
                benefit_conflicts.c.from_sponsorshipbenefit_id.in_(ids)
            )
        )
        for one, other in pairs:
            # symmetric, whichever direction was stored
            conflicts.setdefault(one, set()).add(other)
            conflicts.setdefault(other, set()).add(one)
    programs = sorted({b.program.id: b.program for b in benefits}.values(), key=lambda p: (p.order, p.id))
    return Catalogue(year, programs, packages, benefits, package_benefits, conflicts)


def has_user_customization(package_benefits: set[int], chosen: Iterable[int], conflicts: dict[int, set[int]]) -> bool:
    """Django's ``SponsorshipPackage.has_user_customization``: whether the chosen benefits differ from the package.

    Package benefits that conflict with one another form groups of alternatives: choosing any one benefit of each
    group is the package as offered; every package benefit without conflicts must be chosen, and nothing else.
    """
    chosen = set(chosen)
    with_conflicts = {b for b in package_benefits if conflicts.get(b)}
    without_conflicts = package_benefits - with_conflicts
    plain = {b for b in chosen if b not in with_conflicts}
    if plain != without_conflicts:
        return True
    remaining = chosen - plain
    if not remaining and with_conflicts:
        return True
    groups: list[set[int]] = []
    for benefit in sorted(with_conflicts):
        if any(benefit in group for group in groups):
            continue
        groups.append({benefit, *conflicts.get(benefit, set())})
    return not all(group & remaining for group in groups)


# -- a new sponsorship -----------------------------------------------------------------------------------------------
#: Each feature configuration kind and the feature it gives a sponsor benefit.
FEATURE_FOR: dict[type[BenefitFeatureConfiguration], type[BenefitFeature]] = {
    LogoPlacementConfiguration: LogoPlacement,
    TieredBenefitConfiguration: TieredBenefit,
    EmailTargetableConfiguration: EmailTargetable,
    RequiredImgAssetConfiguration: RequiredImgAsset,
    RequiredTextAssetConfiguration: RequiredTextAsset,
    RequiredResponseAssetConfiguration: RequiredResponseAsset,
    ProvidedTextAssetConfiguration: ProvidedTextAsset,
    ProvidedFileAssetConfiguration: ProvidedFileAsset,
}
#: The asset row that holds each asset feature's value.
ASSET_FOR: dict[type[BenefitFeature], type[GenericAsset]] = {
    RequiredImgAsset: ImgAsset,
    RequiredTextAsset: TextAsset,
    RequiredResponseAsset: ResponseAsset,
    ProvidedTextAsset: TextAsset,
    ProvidedFileAsset: FileAsset,
}
_BASE_COLUMNS = {"id", "kind", "benefit_id", "sponsor_benefit_id"}


def _copied_columns(feature: type[BenefitFeature]) -> list[str]:
    table = feature.__table__
    return [column.name for column in table.columns if column.name not in _BASE_COLUMNS]


def feature_from(
    configuration: BenefitFeatureConfiguration, sponsor_benefit_id: int, package_id: int | None
) -> BenefitFeature | None:
    """The feature a configuration gives; a tier only for the package it belongs to (None otherwise)."""
    if isinstance(configuration, TieredBenefitConfiguration) and configuration.package_id != package_id:
        return None
    feature_class = FEATURE_FOR[type(configuration)]
    values = {name: getattr(configuration, name) for name in _copied_columns(feature_class)}
    return feature_class(sponsor_benefit_id=sponsor_benefit_id, **values)


def configurations_query(benefit_ids: Sequence[int]) -> Select[Any]:
    every_kind = with_polymorphic(BenefitFeatureConfiguration, "*")
    return (
        select(every_kind)
        .where(every_kind.benefit_id.in_(list(benefit_ids)))
        .order_by(every_kind.benefit_id, every_kind.id)
    )


async def ensure_asset(
    session: AsyncSession, asset_class: type[GenericAsset], owner: str, owner_id: int, internal_name: str
) -> None:
    """Django's ``AssetConfigurationMixin``: the sponsor or sponsorship gets one asset row per internal name."""
    exists = await session.execute(
        select(GenericAsset.id).where(
            GenericAsset.content_type == owner,
            GenericAsset.object_id == owner_id,
            GenericAsset.internal_name == internal_name,
        )
    )
    if exists.first() is None:
        session.add(asset_class(content_type=owner, object_id=owner_id, internal_name=internal_name))
        await session.flush()


async def copy_benefits(
    session: AsyncSession,
    sponsorship: Sponsorship,
    benefits: Sequence[SponsorshipBenefit],
    added_by_user: set[int],
) -> list[SponsorBenefit]:
    """Each catalogue benefit as a ``SponsorBenefit`` of the sponsorship, with its features and asset rows."""
    program_ids = {b.program_id for b in benefits}
    names = await session.execute(
        select(SponsorshipProgram.id, SponsorshipProgram.name).where(SponsorshipProgram.id.in_(program_ids))
    )
    program_names: dict[int, str] = {}
    for program_id, program_name in names.tuples():
        program_names[program_id] = program_name
    copies: dict[int, SponsorBenefit] = {}
    for benefit in benefits:
        copy = SponsorBenefit(
            sponsorship_id=sponsorship.id,
            sponsorship_benefit_id=benefit.id,
            program_id=benefit.program_id,
            program_name=program_names.get(benefit.program_id, ""),
            name=benefit.name,
            description=benefit.description,
            benefit_internal_value=benefit.internal_value,
            added_by_user=benefit.id in added_by_user,
            standalone=benefit.standalone,
            order=benefit.order,
        )
        session.add(copy)
        copies[benefit.id] = copy
    await session.flush()
    configurations = (await session.execute(configurations_query(list(copies)))).scalars().all()
    for configuration in configurations:
        copy = copies[configuration.benefit_id]
        feature = feature_from(configuration, copy.id, sponsorship.package_id)
        if feature is None:
            continue
        session.add(feature)
        asset_class = ASSET_FOR.get(type(feature))
        if asset_class is not None:
            asset_feature: Any = feature  # every asset kind has related_to and internal_name (AssetFields)
            related_to = str(asset_feature.related_to)
            owner_id = sponsorship.sponsor_id if related_to == "sponsor" else sponsorship.id
            if owner_id is not None:
                await ensure_asset(session, asset_class, related_to, owner_id, str(asset_feature.internal_name))
    await session.flush()
    return list(copies.values())


async def in_progress(session: AsyncSession, sponsor_id: int) -> Sponsorship | None:
    query = select(Sponsorship).where(Sponsorship.sponsor_id == sponsor_id, Sponsorship.status.in_(IN_PROGRESS))
    return (await session.execute(query.limit(1))).scalars().first()


async def new_sponsorship(
    session: AsyncSession,
    sponsor: Sponsor,
    benefits: Sequence[SponsorshipBenefit],
    package: SponsorshipPackage | None,
    submitted_by_id: int | None,
) -> Sponsorship:
    """Django's ``Sponsorship.new``. The caller commits (or rolls back: nothing of it is left)."""
    if await in_progress(session, sponsor.id) is not None:
        raise SponsorWithExistingApplicationError(f"{sponsor.name} already has a sponsorship application in progress.")
    chosen = [b.id for b in benefits]
    for_modified_package = True
    package_benefit_ids: set[int] = set()
    if package is not None:
        package_benefit_ids = set(
            (
                await session.execute(
                    select(benefit_packages.c.sponsorshipbenefit_id).where(
                        benefit_packages.c.sponsorshippackage_id == package.id
                    )
                )
            ).scalars()
        )
        conflicts: dict[int, set[int]] = {}
        if package_benefit_ids:
            pairs = await session.execute(
                select(
                    benefit_conflicts.c.from_sponsorshipbenefit_id, benefit_conflicts.c.to_sponsorshipbenefit_id
                ).where(benefit_conflicts.c.from_sponsorshipbenefit_id.in_(package_benefit_ids | set(chosen)))
            )
            for one, other in pairs:
                conflicts.setdefault(one, set()).add(other)
                conflicts.setdefault(other, set()).add(one)
        for_modified_package = has_user_customization(package_benefit_ids, chosen, conflicts)
    sponsorship = Sponsorship(
        submited_by_id=submitted_by_id,
        sponsor_id=sponsor.id,
        status=SponsorshipStatus.APPLIED,
        package_id=package.id if package is not None else None,
        level_name_old=package.name if package is not None else "",
        sponsorship_fee=package.sponsorship_amount if package is not None else None,
        for_modified_package=for_modified_package,
        year=await current_year(session),
        applied_on=utcnow().date(),
    )
    session.add(sponsorship)
    await session.flush()
    # Django marks as "added by the user" what is not in the package, only when the package was customised
    added = {b for b in chosen if b not in package_benefit_ids} if for_modified_package else set()
    await copy_benefits(session, sponsorship, benefits, added)
    return sponsorship


async def get_sponsorship(session: AsyncSession, pk: int) -> Sponsorship:
    query = (
        select(Sponsorship)
        .where(Sponsorship.id == pk)
        .options(selectinload(Sponsorship.sponsor), selectinload(Sponsorship.package))
    )
    sponsorship = (await session.execute(query)).scalars().first()
    if sponsorship is None:
        raise NotFoundError("No such sponsorship.")
    return sponsorship


async def sponsor_benefits(session: AsyncSession, sponsorship_id: int) -> list[SponsorBenefit]:
    query = (
        select(SponsorBenefit)
        .where(SponsorBenefit.sponsorship_id == sponsorship_id)
        .order_by(SponsorBenefit.order, SponsorBenefit.id)
    )
    return list((await session.execute(query)).scalars())


async def features_of(session: AsyncSession, sponsorship_id: int) -> list[BenefitFeature]:
    """Every feature of every benefit of the sponsorship, each as its own kind, in one query."""
    every_kind = with_polymorphic(BenefitFeature, "*")
    query = (
        select(every_kind)
        .join(SponsorBenefit, SponsorBenefit.id == every_kind.sponsor_benefit_id)
        .where(SponsorBenefit.sponsorship_id == sponsorship_id)
        .order_by(SponsorBenefit.order, every_kind.id)
    )
    return list((await session.execute(query)).scalars())


async def estimated_cost(session: AsyncSession, sponsorship_id: int) -> int:
    query = select(func.coalesce(func.sum(SponsorBenefit.benefit_internal_value), 0)).where(
        SponsorBenefit.sponsorship_id == sponsorship_id
    )
    return int((await session.execute(query)).scalar() or 0)


# -- the sponsor dashboard -------------------------------------------------------------------------------------------
async def sponsorship_for(session: AsyncSession, pk: int, user_id: int, *, superuser: bool) -> Sponsorship:
    """A sponsorship the user may open (submitted by them or of a sponsor they are a contact of; any for a
    superuser); anything else does not exist for them."""
    query = (
        select(Sponsorship)
        .where(Sponsorship.id == pk)
        .options(selectinload(Sponsorship.sponsor), selectinload(Sponsorship.package))
    )
    if not superuser:
        query = query.where(visible_to_clause(user_id))
    sponsorship = (await session.execute(query)).scalars().first()
    if sponsorship is None:
        raise NotFoundError("No such sponsorship.")
    return sponsorship


async def sponsors_for(session: AsyncSession, user_id: int) -> list[Sponsor]:
    """Django's ``edit_sponsor_info`` queryset: the sponsors of the user's visible sponsorships."""
    of_visible = select(Sponsorship.sponsor_id).where(visible_to_clause(user_id))
    query = select(Sponsor).where(Sponsor.id.in_(of_visible)).order_by(Sponsor.name)
    return list((await session.execute(query)).scalars())


@dataclass
class AssetSlot:
    """One asset feature of a sponsorship with the row that holds its value (None if it was never created)."""

    feature: Any
    asset: GenericAsset | None

    @property
    def value(self) -> str | None:
        asset = self.asset
        if isinstance(asset, TextAsset):
            return asset.text or None
        if isinstance(asset, ResponseAsset):
            return asset.response or None
        if isinstance(asset, ImgAsset):
            return asset.image or None
        if isinstance(asset, FileAsset):
            return asset.file or None
        return None

    @property
    def shared_value(self) -> str | None:
        """A provided asset shared by every sponsorship (its configuration's text or file)."""
        feature = self.feature
        if isinstance(feature, ProvidedTextAsset) and feature.shared:
            return feature.shared_text
        if isinstance(feature, ProvidedFileAsset) and feature.shared:
            return feature.shared_file
        return None


REQUIRED_KINDS = (RequiredImgAsset, RequiredTextAsset, RequiredResponseAsset)
PROVIDED_KINDS = (ProvidedTextAsset, ProvidedFileAsset)


async def asset_slots(session: AsyncSession, sponsorship: Sponsorship) -> tuple[list[AssetSlot], list[AssetSlot]]:
    """(required, provided) asset features of the sponsorship with their values, in two queries."""
    features = [f for f in await features_of(session, sponsorship.id) if isinstance(f, REQUIRED_KINDS + PROVIDED_KINDS)]
    if not features:
        return [], []
    every_kind = with_polymorphic(GenericAsset, "*")
    owners = [("sponsorship", sponsorship.id)]
    if sponsorship.sponsor_id is not None:
        owners.append(("sponsor", sponsorship.sponsor_id))
    rows = await session.execute(
        select(every_kind).where(
            or_(*[and_(every_kind.content_type == kind, every_kind.object_id == pk) for kind, pk in owners]),
            every_kind.internal_name.in_({str(f.internal_name) for f in features}),
        )
    )
    by_key = {(a.content_type, a.internal_name): a for a in rows.scalars()}
    slots = [AssetSlot(f, by_key.get((str(f.related_to), str(f.internal_name)))) for f in features]
    return [s for s in slots if isinstance(s.feature, REQUIRED_KINDS)], [
        s for s in slots if isinstance(s.feature, PROVIDED_KINDS)
    ]


@dataclass(frozen=True)
class Customisation:
    """Django's ``user_customizations``: what the applicant added to the package and removed from it."""

    added: list[str]
    removed: list[str]


async def customisation(session: AsyncSession, sponsorship: Sponsorship) -> Customisation:
    """The sponsorship's benefits against its package's (two queries); nothing without a package."""
    if sponsorship.package_id is None:
        return Customisation([], [])
    chosen = {
        b.sponsorship_benefit_id: b.name
        for b in await sponsor_benefits(session, sponsorship.id)
        if b.sponsorship_benefit_id is not None
    }
    package = await session.execute(
        select(SponsorshipBenefit.id, SponsorshipBenefit.name)
        .join(benefit_packages, benefit_packages.c.sponsorshipbenefit_id == SponsorshipBenefit.id)
        .where(benefit_packages.c.sponsorshippackage_id == sponsorship.package_id)
        .order_by(SponsorshipBenefit.order, SponsorshipBenefit.id)
    )
    offered = dict(package.tuples().all())
    return Customisation(
        added=[name for pk, name in chosen.items() if pk not in offered],
        removed=[name for pk, name in offered.items() if pk not in chosen],
    )


# -- asset deadlines -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DueAssets:
    sponsorship: Sponsorship
    sponsor_name: str
    missing: list[str]


async def assets_due(session: AsyncSession, due: datetime.date) -> list[DueAssets]:
    """Approved and finalized sponsorships with a required asset due on ``due`` that still has no value (Django's
    ``check_sponsorship_assets_due_date`` mailed even when the asset was provided)."""
    every_kind = with_polymorphic(BenefitFeature, list(REQUIRED_KINDS))
    rows = await session.execute(
        select(SponsorBenefit.sponsorship_id)
        .join(every_kind, every_kind.sponsor_benefit_id == SponsorBenefit.id)
        .join(Sponsorship, Sponsorship.id == SponsorBenefit.sponsorship_id)
        .where(Sponsorship.status.in_([SponsorshipStatus.APPROVED, SponsorshipStatus.FINALIZED]))
        .where(
            or_(
                every_kind.RequiredImgAsset.due_date == due,
                every_kind.RequiredTextAsset.due_date == due,
                every_kind.RequiredResponseAsset.due_date == due,
            )
        )
        .distinct()
    )
    found: list[DueAssets] = []
    for sponsorship_id in sorted(rows.scalars()):
        sponsorship = await get_sponsorship(session, sponsorship_id)
        required, _provided = await asset_slots(session, sponsorship)
        missing = [str(s.feature.label) for s in required if s.feature.due_date == due and s.value is None]
        if missing:
            name = sponsorship.sponsor.name if sponsorship.sponsor is not None else ""
            found.append(DueAssets(sponsorship, name, missing))
    return found
