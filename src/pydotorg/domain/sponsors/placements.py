"""Where sponsors' logos appear: every logo placement of every *enabled* sponsorship (finalized, running today, not
overlapped), read in one query. The public pages (the sponsors wall, the jobs and downloads sidebars) read them
from the site content snapshot, which every sponsorship, sponsor, package or placement change reloads in every
process (Django deleted a cache key its template fragments never used, so sponsor walls stayed stale for up to a
day); the snapshot is also rebuilt when the date changes, as sponsorships start and end. The logo-placement API
reads the same rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby

from advanced_alchemy.utils.text import slugify
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import utcnow
from pydotorg.db.models import LogoPlacement, Sponsor, SponsorBenefit, Sponsorship, SponsorshipPackage
from pydotorg.domain.sponsors.services import enabled_clause


@dataclass(frozen=True)
class PlacedLogo:
    sponsorship_id: int
    sponsor_id: int
    sponsor: str
    slug: str
    description: str
    #: Paths under the media root.
    logo: str
    white_logo: str | None
    landing_page_url: str | None
    level_name: str
    level_order: int
    logo_dimension: int
    start_date: datetime.date | None
    end_date: datetime.date | None
    publisher: str
    place: str
    describe_as_sponsor: bool
    link_to_sponsors_page: bool
    year: int | None

    @property
    def sponsor_description(self) -> str:
        """The API's description: the sponsor's own, or Django's sentence when the placement asks for it."""
        if self.describe_as_sponsor:
            return f"{self.sponsor} is a {self.level_name} sponsor of the Python Software Foundation."
        return self.description


@dataclass(frozen=True)
class LogoGroup:
    """The sponsors of one package on the sponsors wall, at the package's logo width."""

    level_name: str
    logo_dimension: int
    logos: list[PlacedLogo]


async def logo_placements(
    session: AsyncSession, *, today: datetime.date | None = None, year: int | None = None
) -> list[PlacedLogo]:
    """Every placement of the enabled sponsorships, by package order, then sponsor name."""
    query = (
        select(LogoPlacement, Sponsorship, Sponsor, SponsorshipPackage)
        .join(SponsorBenefit, SponsorBenefit.id == LogoPlacement.sponsor_benefit_id)
        .join(Sponsorship, Sponsorship.id == SponsorBenefit.sponsorship_id)
        .join(Sponsor, Sponsor.id == Sponsorship.sponsor_id)
        .outerjoin(SponsorshipPackage, SponsorshipPackage.id == Sponsorship.package_id)
        .where(enabled_clause(today))
        .order_by(SponsorshipPackage.order, Sponsor.name, Sponsorship.id, LogoPlacement.id)
    )
    if year is not None:
        query = query.where(Sponsorship.year == year)
    placed: list[PlacedLogo] = []
    for placement, sponsorship, sponsor, package in (await session.execute(query)).tuples():
        placed.append(
            PlacedLogo(
                sponsorship_id=sponsorship.id,
                sponsor_id=sponsor.id,
                sponsor=sponsor.name,
                slug=slugify(sponsor.name),
                description=sponsor.description,
                logo=sponsor.web_logo,
                white_logo=sponsor.white_logo or None,
                landing_page_url=sponsor.landing_page_url,
                level_name=package.name if package is not None else sponsorship.level_name_old,
                level_order=package.order if package is not None else 0,
                logo_dimension=package.logo_dimension if package is not None else 175,
                start_date=sponsorship.start_date,
                end_date=sponsorship.end_date,
                publisher=placement.publisher,
                place=placement.logo_place,
                describe_as_sponsor=placement.describe_as_sponsor,
                link_to_sponsors_page=placement.link_to_sponsors_page,
                year=sponsorship.year,
            )
        )
    return placed


@dataclass(frozen=True)
class Placements:
    """The snapshot the layout reads: python.org's own (``psf``) placements by place."""

    by_place: dict[str, list[PlacedLogo]]
    loaded_on: datetime.date

    def logos(self, place: str) -> list[PlacedLogo]:
        seen: set[int] = set()
        unique: list[PlacedLogo] = []
        for logo in self.by_place.get(place, []):
            if logo.sponsor_id not in seen:  # a sponsor with two sponsorships shows once
                seen.add(logo.sponsor_id)
                unique.append(logo)
        return unique

    def groups(self, place: str = "sponsors") -> list[LogoGroup]:
        """Django's ``list_sponsors "sponsors"``: grouped by package, in package order."""
        return [
            LogoGroup(level, logos[0].logo_dimension, logos)
            for (_order, level), grouped in groupby(self.logos(place), key=lambda p: (p.level_order, p.level_name))
            for logos in [list(grouped)]
        ]


async def load_placements(session: AsyncSession) -> Placements:
    today = utcnow().date()
    by_place: dict[str, list[PlacedLogo]] = {}
    for logo in await logo_placements(session, today=today):
        if logo.publisher == "psf":
            by_place.setdefault(logo.place, []).append(logo)
    return Placements(by_place, today)
