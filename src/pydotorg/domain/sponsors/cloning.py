"""Cloning a year's catalogue into another (Django's ``CloneSponsorshipYearUseCase``): packages (by slug), benefits
(by name) with their packages, legal clauses, conflicts and feature configurations. Asset configurations get the
new year in their internal name (replacing the old one, or appended as ``_<year>``) and their due date moved to the
new year, as Django does; a tier points at the new year's package of the same slug (Django kept the old one).

It is idempotent — what exists in the target year is kept, never changed — and a dry run lists what would be
created without writing anything. Legal clauses have no year: the cloned benefits cite the same clauses (Django
copied a clause for every benefit cloned, which multiplied them year after year).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models import (
    BenefitFeatureConfiguration,
    SponsorshipBenefit,
    SponsorshipPackage,
    TieredBenefitConfiguration,
)
from pydotorg.domain.sponsors.services import configurations_query
from pydotorg.lib.errors import InvalidError

FIRST_YEAR, LAST_YEAR = 2022, 2050


@dataclass
class ClonePlan:
    from_year: int
    to_year: int
    packages: list[str] = field(default_factory=list)
    benefits: list[str] = field(default_factory=list)
    configurations: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return len(self.packages) + len(self.benefits) + len(self.configurations)


def shift_year(day: datetime.date | None, year: int) -> datetime.date | None:
    """The same day in ``year`` (29 February becomes the 28th in a common year)."""
    if day is None:
        return None
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def shift_name(internal_name: str, from_year: int, to_year: int) -> str:
    if str(from_year) in internal_name:
        return internal_name.replace(str(from_year), str(to_year))
    return f"{internal_name}_{to_year}"


def _columns(configuration: BenefitFeatureConfiguration) -> dict[str, Any]:
    """The kind's own columns (its table's, beside the parent's ``benefit_id`` and ``kind``)."""
    table: Any = type(configuration).__table__
    return {c.name: getattr(configuration, c.name) for c in table.columns if c.name not in {"id"}}


async def _clone_packages(
    session: AsyncSession, plan: ClonePlan, *, dry_run: bool
) -> tuple[list[SponsorshipPackage], dict[str, SponsorshipPackage]]:
    """(the source year's packages, the target year's by slug: kept or created)."""
    packages = list(
        (await session.execute(select(SponsorshipPackage).where(SponsorshipPackage.year == plan.from_year))).scalars()
    )
    if not packages:
        raise InvalidError(f"{plan.from_year} has no packages to clone.")
    query = select(SponsorshipPackage).where(SponsorshipPackage.year == plan.to_year)
    targets = {p.slug: p for p in (await session.execute(query)).scalars()}
    for package in packages:
        if package.slug in targets:
            plan.kept.append(f"package {package.name} ({plan.to_year})")
            continue
        plan.packages.append(package.name)
        if not dry_run:
            copy = SponsorshipPackage(
                name=package.name, slug=package.slug, sponsorship_amount=package.sponsorship_amount,
                advertise=package.advertise, logo_dimension=package.logo_dimension, order=package.order,
                allow_a_la_carte=package.allow_a_la_carte, year=plan.to_year,
            )  # fmt: skip
            session.add(copy)
            targets[package.slug] = copy
    if not dry_run:
        await session.flush()
    return packages, targets


async def _clone_configurations(
    session: AsyncSession,
    plan: ClonePlan,
    clones: dict[int, SponsorshipBenefit],
    packages: list[SponsorshipPackage],
    targets: dict[str, SponsorshipPackage],
) -> None:
    packages_by_id = {p.id: p for p in packages}
    for configuration in (await session.execute(configurations_query(list(clones)))).scalars().all():
        values = _columns(configuration)
        values["benefit_id"] = clones[configuration.benefit_id].id
        if "internal_name" in values:
            values["internal_name"] = shift_name(str(values["internal_name"]), plan.from_year, plan.to_year)
        if "due_date" in values:
            values["due_date"] = shift_year(values["due_date"], plan.to_year)
        if isinstance(configuration, TieredBenefitConfiguration):
            old = packages_by_id.get(configuration.package_id)
            target = targets.get(old.slug) if old is not None else None
            if target is None:
                continue
            values["package_id"] = target.id
        session.add(type(configuration)(**values))
        plan.configurations.append(f"{type(configuration).__name__} of {clones[configuration.benefit_id].name}")
    await session.flush()


async def clone_year(session: AsyncSession, from_year: int, to_year: int, *, dry_run: bool) -> ClonePlan:
    """Clone (or, with ``dry_run``, list what would be cloned); the caller commits."""
    for year in (from_year, to_year):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidError(f"Years go from {FIRST_YEAR} to {LAST_YEAR}.")
    if from_year == to_year:
        raise InvalidError("Choose two different years.")
    plan = ClonePlan(from_year, to_year)
    packages, targets = await _clone_packages(session, plan, dry_run=dry_run)
    benefits = list(
        (
            await session.execute(
                select(SponsorshipBenefit)
                .where(SponsorshipBenefit.year == from_year)
                .options(
                    selectinload(SponsorshipBenefit.packages),
                    selectinload(SponsorshipBenefit.legal_clauses),
                    selectinload(SponsorshipBenefit.conflicts),
                )
                .order_by(SponsorshipBenefit.order, SponsorshipBenefit.id)
            )
        ).scalars()
    )
    existing = set(
        (await session.execute(select(SponsorshipBenefit.name).where(SponsorshipBenefit.year == to_year))).scalars()
    )
    clones: dict[int, SponsorshipBenefit] = {}
    for benefit in benefits:
        if benefit.name in existing:
            plan.kept.append(f"benefit {benefit.name} ({to_year})")
            continue
        plan.benefits.append(benefit.name)
        if dry_run:
            continue
        copy = SponsorshipBenefit(
            name=benefit.name, description=benefit.description, program_id=benefit.program_id,
            package_only=benefit.package_only, new=benefit.new, unavailable=benefit.unavailable,
            standalone=benefit.standalone, internal_description=benefit.internal_description,
            internal_value=benefit.internal_value, capacity=benefit.capacity, soft_capacity=benefit.soft_capacity,
            order=benefit.order, year=to_year,
        )  # fmt: skip
        copy.packages = [targets[p.slug] for p in benefit.packages if p.slug in targets]
        copy.legal_clauses = list(benefit.legal_clauses)
        copy.conflicts = []
        session.add(copy)
        clones[benefit.id] = copy
    if dry_run:
        names = {b.id: b.name for b in benefits if b.name in plan.benefits}
        found = (await session.execute(configurations_query(list(names)))).scalars().all()
        plan.configurations = [f"{type(c).__name__} of {names[c.benefit_id]}" for c in found]
        return plan
    await session.flush()
    for benefit in benefits:  # conflicts between the cloned benefits, as in the source year
        if benefit.id in clones:
            clones[benefit.id].conflicts = [clones[c.id] for c in benefit.conflicts if c.id in clones]
    await _clone_configurations(session, plan, clones, packages, targets)
    return plan
