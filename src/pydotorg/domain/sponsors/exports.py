"""The sponsorship export (Django's ``SponsorshipResource``, django-import-export): one row per sponsorship with
Django's columns, as CSV or as an XLSX workbook. Cells that a spreadsheet would read as a formula are quoted."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Sponsor, SponsorContact, Sponsorship, SponsorshipPackage
from pydotorg.settings import Settings
from pydotorg.web.media import absolute_media_url

COLUMNS = [
    "Company Name",
    "Contact Name(s)",
    "Email(s)",
    "Phone",
    "Type(s)",
    "Start Date",
    "End Date",
    "Logo",
    "Webpage link",
    "Sponsorship Level",
    "Sponsorship Cost",
    "Admin Link",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTACT_TYPES = ("primary", "administrative", "accounting", "manager")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


async def export_rows(
    session: AsyncSession, settings: Settings, sponsorships: Sequence[Sponsorship]
) -> list[list[str]]:
    """The rows of the export, in three queries (sponsors, packages, contacts)."""
    sponsor_ids = {s.sponsor_id for s in sponsorships if s.sponsor_id is not None}
    package_ids = {s.package_id for s in sponsorships if s.package_id is not None}
    sponsors = {
        row.id: row for row in (await session.execute(select(Sponsor).where(Sponsor.id.in_(sponsor_ids)))).scalars()
    }
    packages = {
        row.id: row
        for row in (
            await session.execute(select(SponsorshipPackage).where(SponsorshipPackage.id.in_(package_ids)))
        ).scalars()
    }
    contacts: dict[int, list[SponsorContact]] = {}
    query = select(SponsorContact).where(SponsorContact.sponsor_id.in_(sponsor_ids)).order_by(SponsorContact.id)
    for contact in (await session.execute(query)).scalars():
        contacts.setdefault(contact.sponsor_id, []).append(contact)
    rows: list[list[str]] = []
    for sponsorship in sponsorships:
        sponsor = sponsors.get(sponsorship.sponsor_id or 0)
        people = contacts.get(sponsorship.sponsor_id or 0, [])
        package = packages.get(sponsorship.package_id or 0)
        types = [", ".join(t for t in CONTACT_TYPES if getattr(c, t)) or "-" for c in people]
        values: list[object] = [
            sponsor.name if sponsor else "",
            "\n".join(c.name for c in people),
            "\n".join(c.email for c in people),
            "\n".join(c.phone for c in people),
            "\n".join(types),
            sponsorship.start_date.isoformat() if sponsorship.start_date else "",
            sponsorship.end_date.isoformat() if sponsorship.end_date else "",
            absolute_media_url(settings, sponsor.web_logo) if sponsor and sponsor.web_logo else "",
            sponsor.landing_page_url or "" if sponsor else "",
            package.name if package else sponsorship.level_name_old,
            sponsorship.sponsorship_fee if sponsorship.sponsorship_fee is not None else "",
            settings.absolute_url(f"/admin/sponsors/sponsorship/{sponsorship.id}/change/"),
        ]
        rows.append([safe_cell(v) for v in values])
    return rows


def as_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def as_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet: Any = book.active
    sheet.title = "Sponsorships"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
