"""``downloads_changed``: after a published release or one of its files changes, regenerate the download boxes
(``supernav-python-downloads``, ``download-sources``, ``homepage-downloads``) and purge the CDN, as Django's
signals do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.boxes import Box
from pydotorg.db.models.downloads import Release, ReleaseFile, ReleaseVersion
from pydotorg.domain.downloads import queries
from pydotorg.domain.downloads.services import DownloadsJob
from pydotorg.lib.jobs import JobContext, job
from pydotorg.lib.purge import PurgeClient
from pydotorg.web.changes import pending, stale

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), trim_blocks=True, lstrip_blocks=True
)


async def _source_file(session: AsyncSession, release: Release | None) -> ReleaseFile | None:
    if release is None:
        return None
    query = (
        select(ReleaseFile)
        .where(ReleaseFile.release_id == release.id, ReleaseFile.is_source.is_(True))
        .order_by(ReleaseFile.download_button.desc(), ReleaseFile.name)
        .limit(1)
    )
    return (await session.execute(query)).scalars().first()


async def _set_box(session: AsyncSession, label: str, html: str) -> bool:
    box = (await session.execute(select(Box).where(Box.label == label))).scalars().first()
    if box is None:
        session.add(Box(label=label, content=html, content_markup_type="html"))
        return True
    if box.content == html and box.content_markup_type == "html":
        return False
    box.content, box.content_markup_type = html, "html"
    return True


async def regenerate_boxes(session: AsyncSession) -> list[str]:
    python3 = await queries.latest(session, ReleaseVersion.PYTHON3)
    python2 = await queries.latest(session, ReleaseVersion.PYTHON2)
    pymanager = await queries.latest(session, ReleaseVersion.PYMANAGER)
    changed: list[str] = []
    buttons3 = await queries.button_files(session, python3)
    buttons_manager = await queries.button_files(session, pymanager)
    supernav = _env.get_template("downloads/boxes/supernav.html").render(
        python3=python3, files=buttons3, pymanager=pymanager, manager_files=buttons_manager
    )
    if await _set_box(session, "supernav-python-downloads", supernav):
        changed.append("supernav-python-downloads")
    source3, source2 = await _source_file(session, python3), await _source_file(session, python2)
    if source3 is not None and source2 is not None:  # Django skips the box unless both exist
        html = _env.get_template("downloads/boxes/download_sources.html").render(
            python3=python3, python2=python2, source3=source3, source2=source2
        )
        if await _set_box(session, "download-sources", html):
            changed.append("download-sources")
    if python3 is not None and python2 is not None:
        html = _env.get_template("downloads/boxes/homepage_downloads.html").render(python3=python3, python2=python2)
        if await _set_box(session, "homepage-downloads", html):
            changed.append("homepage-downloads")
    return changed


@job(DownloadsJob.CHANGED)
async def downloads_changed(ctx: JobContext, *, versions: list[str] | None = None, **_: Any) -> dict[str, Any]:
    """Regenerate the download boxes, then purge what shows them. Changed boxes reload the site content and purge
    their ``/box/`` URLs through their cache registration; the downloads pages and the release directories are
    marked here, so the CDN drops them only after the boxes they show are new."""
    async with ctx.session_factory() as session:
        changed = await regenerate_boxes(session)
        stale(session, keys=["downloads"], urls=["/ftp/python/", *(f"/ftp/python/{v}/" for v in versions or [])])
        queued = pending(session)
        purged = [f"key:{key}" for key in sorted(queued.keys)] + sorted(queued.urls)
        await session.commit()
    return {"boxes": changed, "purged": purged, "cdn": PurgeClient(ctx.settings).enabled}
