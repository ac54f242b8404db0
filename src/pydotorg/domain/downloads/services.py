"""Write side of downloads: the model rules every writer (admin, API v1, API v2) goes through, and the side
effects of publishing (box regeneration and CDN purges, queued as the ``downloads_changed`` job)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.downloads import SIDECAR_SUFFIXES, URL_COLUMNS, Release, ReleaseFile
from pydotorg.web.changes import after_commit


class DownloadsJob(StrEnum):
    #: regenerate the download boxes and mark the release directories stale
    CHANGED = "downloads_changed"


PYTHON_ORG = "https://www.python.org/"


def release_file_errors(values: Mapping[str, Any], previous: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``ReleaseFile.clean()``: new or changed URLs on https://www.python.org/, sidecars = artifact URL + suffix."""
    errors: dict[str, str] = {}
    before = previous or {}
    for column in URL_COLUMNS:
        value = str(values.get(column) or "")
        if value and value != (before.get(column) or "") and not value.startswith(PYTHON_ORG):
            errors[column] = f"The URL must start with {PYTHON_ORG}"
    url = str(values.get("url") or "")
    if not url:
        errors.setdefault("url", "This field is required.")
    for column, suffixes in SIDECAR_SUFFIXES.items():
        value = str(values.get(column) or "")
        if value and url and value not in {url + suffix for suffix in suffixes}:
            errors.setdefault(column, f"This must be the file's URL followed by {suffixes[0]!r}: {url}{suffixes[0]}")
    return errors


async def download_button_taken(
    session: AsyncSession, *, os_id: int, release_id: int, exclude_id: int | None = None
) -> bool:
    query = select(ReleaseFile.id).where(
        ReleaseFile.os_id == os_id, ReleaseFile.release_id == release_id, ReleaseFile.download_button.is_(True)
    )
    if exclude_id is not None:
        query = query.where(ReleaseFile.id != exclude_id)
    return (await session.execute(query.limit(1))).first() is not None


async def unique_clashes(
    session: AsyncSession, values: Mapping[str, Any], exclude_id: int | None = None
) -> dict[str, str]:
    """Field errors for a release file whose slug or URL is taken, or a second download button."""
    errors: dict[str, str] = {}
    for column in ("slug", "url"):
        value = values.get(column)
        if value:
            query = select(ReleaseFile.id).where(getattr(ReleaseFile, column) == value)
            if exclude_id is not None:
                query = query.where(ReleaseFile.id != exclude_id)
            if (await session.execute(query.limit(1))).first() is not None:
                errors[column] = f"Release file with this {column} already exists."
    if values.get("download_button") and values.get("os_id") and values.get("release_id"):
        taken = await download_button_taken(
            session, os_id=int(values["os_id"]), release_id=int(values["release_id"]), exclude_id=exclude_id
        )
        if taken:
            errors["download_button"] = "This release already has a download button for this operating system."
    return errors


async def check_release_file(session: AsyncSession, values: Mapping[str, Any], obj: Any | None) -> dict[str, str]:
    """Every rule of a release file write (admin and both APIs): URLs, sidecars, unique slug and URL, one button."""
    previous = None if obj is None else {column: getattr(obj, column) for column in URL_COLUMNS}
    errors = release_file_errors(values, previous)
    for field, message in (await unique_clashes(session, values, None if obj is None else obj.id)).items():
        errors.setdefault(field, message)
    return errors


async def promote_latest(session: AsyncSession, release: Release) -> None:
    """Django's ``Release.save()``: a release marked latest demotes every other of the same version family."""
    if release.is_latest:
        await session.execute(
            update(Release)
            .where(Release.version == release.version, Release.id != release.id, Release.is_latest.is_(True))
            .values(is_latest=False)
        )


def downloads_changed(session: AsyncSession, *, versions: list[str] | None = None) -> None:
    """Once the change commits: regenerate the download boxes and purge the release directories (the
    ``downloads_changed`` job); the downloads pages themselves are purged by the cache registration."""
    after_commit(session, DownloadsJob.CHANGED, versions=versions or [])


async def release_saved(session: AsyncSession, release: Release | None) -> None:
    """A release was saved or deleted (the admin, either API), before the commit: promote ``is_latest`` (Django's
    ``Release.save()``), and regenerate the boxes when the release is (or, deleted, may have been) published."""
    if release is None or release in session.deleted:
        downloads_changed(session)
        return
    await session.flush()  # a new release needs its id before the others are demoted
    await promote_latest(session, release)
    if release.is_published:
        version = release.get_version()
        downloads_changed(session, versions=[version] if version else [])


async def file_saved(session: AsyncSession, release_file: ReleaseFile | None) -> None:
    """A release file was saved or deleted: the same side effects, when its release is published."""
    published = True
    if release_file is not None:
        found = (
            await session.execute(select(Release.is_published).where(Release.id == release_file.release_id))
        ).scalar()
        published = found is None or bool(found)
    if published:
        downloads_changed(session)
