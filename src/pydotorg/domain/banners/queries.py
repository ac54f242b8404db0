"""The active banner: the first active one, on PSF pages including the PSF-only banners."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Banner


@dataclass(frozen=True)
class ActiveBanner:
    title: str
    message: str
    link: str
    psf_pages_only: bool


async def load_active_banners(session: AsyncSession) -> list[ActiveBanner]:
    rows = (
        await session.execute(
            select(Banner.title, Banner.message, Banner.link, Banner.psf_pages_only)
            .where(Banner.active.is_(True))
            .order_by(Banner.id)
        )
    ).all()
    return [ActiveBanner(r.title, r.message, r.link, r.psf_pages_only) for r in rows]


def pick_banner(banners: list[ActiveBanner], *, psf_page: bool) -> ActiveBanner | None:
    """Django's ``render_active_banner`` (non-PSF pages) and ``render_active_psf_banner`` (PSF pages)."""
    for banner in banners:
        if psf_page or not banner.psf_pages_only:
            return banner
    return None
