"""Read side of downloads: Django's ``ReleaseQuerySet`` / manager helpers, with eager loading (no N+1)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models.downloads import OS, Release, ReleaseFile, ReleaseVersion
from pydotorg.db.models.pages import Page


def published() -> Select[tuple[Release]]:
    return select(Release).where(Release.is_published.is_(True))


async def latest(session: AsyncSession, version: ReleaseVersion) -> Release | None:
    """``latest_python2`` / ``latest_python3`` / ``latest_pymanager``: the published ``is_latest`` release."""
    query = (
        published()
        .where(Release.version == int(version), Release.is_latest.is_(True))
        .order_by(Release.release_date.desc(), Release.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def latest_python3_minor(session: AsyncSession, minor: int) -> Release | None:
    """The newest published ``Python 3.<minor>.*`` by release date (pre-releases included, as Django)."""
    query = (
        published()
        .where(Release.version == int(ReleaseVersion.PYTHON3), Release.name.like(f"Python 3.{minor}.%"))
        .order_by(Release.release_date.desc(), Release.id.desc())
    )
    pattern = re.compile(rf"^Python 3\.{minor}\.")
    for release in (await session.execute(query.limit(50))).scalars():
        if pattern.match(release.name):
            return release
    return None


async def latest_prerelease(session: AsyncSession) -> Release | None:
    query = (
        published()
        .where(Release.version == int(ReleaseVersion.PYTHON3), Release.pre_release.is_(True))
        .order_by(Release.release_date.desc(), Release.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def release_by_slug(session: AsyncSession, slug: str, *, include_drafts: bool) -> Release | None:
    query = (
        select(Release)
        .where(Release.slug == slug)
        .options(
            selectinload(Release.files).selectinload(ReleaseFile.os),
            selectinload(Release.release_page),
        )
    )
    if not include_drafts:
        query = query.where(Release.is_published.is_(True))
    return (await session.execute(query)).scalars().first()


async def button_files(session: AsyncSession, release: Release | None) -> list[ReleaseFile]:
    """The download-button file of each OS for ``release``, by OS name."""
    if release is None:
        return []
    query = (
        select(ReleaseFile)
        .join(OS, OS.id == ReleaseFile.os_id)
        .where(ReleaseFile.release_id == release.id, ReleaseFile.download_button.is_(True))
        .options(selectinload(ReleaseFile.os))
        .order_by(OS.name)
    )
    return list((await session.execute(query)).scalars().all())


async def operating_systems(session: AsyncSession) -> Sequence[OS]:
    return (await session.execute(select(OS).order_by(OS.name))).scalars().all()


class ReleaseRow(NamedTuple):
    """What the release list shows, without loading the release (lean query for the landing page)."""

    name: str
    slug: str
    release_date: datetime.datetime | None
    release_notes_url: str
    has_content: bool
    page_path: str | None

    @property
    def url(self) -> str:
        if not self.has_content and self.page_path:
            return f"/{self.page_path.lstrip('/')}"
        return f"/downloads/release/{self.slug}/"


async def download_rows(session: AsyncSession) -> list[ReleaseRow]:
    """Django's ``Release.objects.downloads()`` as rows: published, shown on the download page, final releases."""
    query = (
        select(
            Release.name,
            Release.slug,
            Release.release_date,
            Release.release_notes_url,
            Release.content != "",
            Page.path,
        )
        .outerjoin(Page, Page.id == Release.release_page_id)
        .where(
            Release.is_published.is_(True),
            Release.show_on_download_page.is_(True),
            Release.pre_release.is_(False),
        )
    )
    return [ReleaseRow(*row) for row in (await session.execute(query)).all()]


def version_numbers(name: str) -> tuple[int, ...]:
    found = re.search(r"(\d+(?:\.\d+)*)", name)
    return tuple(int(part) for part in found.group(1).split(".")) if found else ()


def numeric_version(release: Release | ReleaseRow) -> tuple[int, ...]:
    """Sort key of the release list: numeric version, pre-releases before their final release."""
    found = re.search(r"(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?", release.name)
    if not found:
        return (0,)
    numbers = tuple(int(p) for p in found.group(1).split("."))
    stage = {"a": 0, "b": 1, "rc": 2}.get(found.group(2) or "", 3)
    return (*numbers, stage, int(found.group(3) or 0))
