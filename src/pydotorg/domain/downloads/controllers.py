"""``/downloads/`` (and the same pages under ``/getit/``): the landing page, per-OS lists, release pages, the
``latest`` redirects and the release feeds."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models.downloads import OS, Release, ReleaseFile, ReleaseVersion
from pydotorg.domain.downloads import queries
from pydotorg.domain.downloads.release_cycle import active_releases, eol_info
from pydotorg.lib.feeds import Feed, FeedItem
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE, cache_policy
from pydotorg.web.errors import viewer_is_staff
from pydotorg.web.fragments import fragment, render_markup

NO_SLASH: dict[str, Any] = {"append_slash": False}
#: Django's nginx rule for /downloads/, with a short browser lifetime: the CDN copy is purged on every change,
#: a browser's copy cannot be.
CACHED = cache_policy("downloads", surrogate_control="max-age=604800, stale-if-error=3600, stale-while-revalidate=300")
FEATURED_ORDER = {"macos": 0, "windows": 1, "source": 2}
LATEST_RE = re.compile(r"^python3\.(\d{1,3})$")


def _page(template: str, **context: Any) -> Template:
    return Template(template_name=f"downloads/{template}", context=context)


def _named(release: Release | None) -> dict[str, str] | None:
    return None if release is None else {"name": release.name, "url": release.url}


def _buttons(files: list[ReleaseFile]) -> list[dict[str, Any]]:
    return [{"url": file.url, "os": {"slug": file.os.slug, "name": file.os.name}} for file in files]


def _prefix(request: Request[Any, Any, Any]) -> str:
    return "/getit" if request.url.path.startswith("/getit") else "/downloads"


class DownloadsController(Controller):
    include_in_schema = False

    @get("/", name="download", **CACHED)
    async def home(self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings) -> Template:
        async def build() -> dict[str, Any]:
            python3 = await queries.latest(db_session, ReleaseVersion.PYTHON3)
            python2 = await queries.latest(db_session, ReleaseVersion.PYTHON2)
            pymanager = await queries.latest(db_session, ReleaseVersion.PYMANAGER)
            releases = await queries.download_rows(db_session)
            releases.sort(key=queries.numeric_version, reverse=True)
            names = (await db_session.execute(select(Release.name).where(Release.is_published.is_(True)))).scalars()
            minors = {numbers[:2] for numbers in map(queries.version_numbers, names) if len(numbers) >= 2}
            active = active_releases(minors, settings.release_cycle_file)
            return {
                "python3": _named(python3),
                "python2": _named(python2),
                "pymanager": _named(pymanager),
                "python3_files": _buttons(await queries.button_files(db_session, python3)),
                "pymanager_files": _buttons(await queries.button_files(db_session, pymanager)),
                "active_releases_html": render_markup(
                    request, "downloads/_active_releases.html", active_releases=active
                ),
                "releases_html": render_markup(request, "downloads/_release_list.html", releases=releases),
            }

        # The same for every visitor and every path prefix: built once per content change (web/fragments.py).
        return _page("index.html", **await fragment(request, "downloads:index", build), prefix=_prefix(request))

    @get("/operating-systems/", name="download_full_os_list", **CACHED)
    async def os_list(self, db_session: AsyncSession) -> Template:
        return _page("os_list.html", oses=await queries.operating_systems(db_session))

    @get("/feed.rss", name="download_feed", opt=NO_SLASH, **CACHED)
    async def feed_rss(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> Response[bytes]:
        return await self._feed(request, db_session, settings, atom=False)

    @get("/feed.atom", name="download_feed_atom", opt=NO_SLASH, **CACHED)
    async def feed_atom(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> Response[bytes]:
        return await self._feed(request, db_session, settings, atom=True)

    async def _feed(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings, *, atom: bool
    ) -> Response[bytes]:
        """Django's ``ReleaseFeed``: the 10 newest published releases by release date."""
        base = settings.site_url.rstrip("/")  # the configured site, not the request's Host

        async def build() -> list[FeedItem]:
            query = queries.published().order_by(Release.release_date.desc(), Release.id.desc()).limit(10)
            return [
                FeedItem(
                    title=release.name,
                    link=f"{base}{release.url}",
                    description=f"Release date: {release.release_date:%b. %-d, %Y}" if release.release_date else "",
                    published=release.release_date,
                    guid=f"{base}/downloads/release/{release.slug}/",
                )
                for release in (await db_session.execute(query)).scalars()
            ]

        feed = Feed(
            title="Python Releases",
            link=f"{base}/downloads/",
            description="Latest Python releases",
            self_url=f"{base}{request.url.path}",
            items=await fragment(request, "downloads:feed", build),  # the same for both formats and every reader
        )
        body, media_type = feed.render(atom=atom)
        return Response(body, media_type=media_type)

    # -- latest redirects (Django's regexes; a trailing slash is optional) -----------------------------------------
    @get(["/latest", "/latest/{which:str}"], name="download_latest", opt=NO_SLASH, **CACHED)
    async def latest(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, which: str = "python3"
    ) -> Redirect:
        which = which.strip("/")
        release: Release | None
        if which == "python3":
            release = await queries.latest(db_session, ReleaseVersion.PYTHON3)
        elif which == "python2":
            release = await queries.latest(db_session, ReleaseVersion.PYTHON2)
        elif which == "pymanager":
            release = await queries.latest(db_session, ReleaseVersion.PYMANAGER)
        elif which == "prerelease":
            release = await queries.latest_prerelease(db_session)
        elif match := LATEST_RE.match(which):
            release = await queries.latest_python3_minor(db_session, int(match.group(1)))
        else:
            raise NotFoundException()
        # Django's fallbacks for python2 and pymanager raised a 500; every case lands on the landing page here.
        target = release.url if release is not None else f"{_prefix(request)}/"
        return Redirect(target, status_code=302)

    # -- releases -------------------------------------------------------------------------------------------------
    @get("/release/{slug:str}/", name="download_release_detail", **CACHED)
    async def release_detail(
        self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession, settings: Settings
    ) -> Template:
        staff = viewer_is_staff(request)

        async def build() -> dict[str, Any] | None:
            release = await queries.release_by_slug(db_session, slug, include_drafts=staff)
            if release is None:
                return None
            files = release.files
            featured = sorted(
                (f for f in files if f.download_button), key=lambda f: (FEATURED_ORDER.get(f.os.slug, 9), f.name)
            )
            sources = sorted((f for f in files if f.is_source and not f.download_button), key=lambda f: f.name)
            others = sorted(
                (f for f in files if not f.download_button and not f.is_source), key=lambda f: (f.os.slug, f.name)
            )
            body = render_markup(
                request,
                "downloads/_release_body.html",
                release=release,
                files=[*featured, *sources, *others],
                has_md5=any(f.md5_sum for f in files),
                has_sha256=any(f.sha256_sum for f in files),
                has_gpg=any(f.gpg_signature_file for f in files),
                has_sigstore=any(
                    f.sigstore_bundle_file or f.sigstore_signature_file or f.sigstore_cert_file for f in files
                ),
                has_sbom=any(f.sbom_spdx2_file for f in files),
                superseded_by=await self._superseded_by(db_session, release),
                eol=eol_info(release, settings.release_cycle_file),
            )
            return {"release_name": release.name, "published": release.is_published, "body": body}

        # Staff may see drafts: their pages are built for them; everyone else's come from one kept part per release.
        part = await fragment(request, f"downloads:release:{slug}", build, keep=not staff)
        if part is None:
            raise NotFoundException()
        return Template(
            template_name="downloads/release_detail.html",
            context={"release_name": part["release_name"], "body": part["body"]},
            headers=None if part["published"] else PRIVATE,
        )

    async def _superseded_by(self, db_session: AsyncSession, release: Release) -> Release | None:
        numbers = release.version_tuple()
        if release.version != ReleaseVersion.PYTHON3 or len(numbers) < 2:
            return None
        query = queries.published().where(
            Release.version == int(ReleaseVersion.PYTHON3),
            Release.pre_release.is_(False),
            Release.name.like(f"Python {numbers[0]}.{numbers[1]}.%"),
        )
        candidates = [r for r in (await db_session.execute(query)).scalars() if r.version_tuple()[:2] == numbers[:2]]
        newest = max(candidates, key=queries.numeric_version, default=None)
        if newest is None or queries.numeric_version(newest) <= queries.numeric_version(release):
            return None
        return newest

    @get("/release/{slug:str}/edit-button", name="download_release_edit_button", opt=NO_SLASH)
    async def edit_button(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Response[str]:
        """The staff-only edit link, loaded by the (cached, anonymous) release page."""
        body = ""
        if viewer_is_staff(request):
            release_id = (await db_session.execute(select(Release.id).where(Release.slug == slug))).scalar()
            if release_id is not None:
                body = f'<a class="button" href="/admin/downloads/release/{release_id}/change/">Edit this release</a>'
        return Response(body, media_type=MediaType.HTML, headers=PRIVATE)

    # -- one operating system (last: its pattern catches any slug) -----------------------------------------------
    @get("/{slug:str}/", name="download_os_list", **CACHED)
    async def os_detail(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        os_row = (await db_session.execute(select(OS).where(OS.slug == slug))).scalars().first()
        if os_row is None:
            raise NotFoundException()
        query = (
            select(ReleaseFile)
            .join(Release, Release.id == ReleaseFile.release_id)
            .where(ReleaseFile.os_id == os_row.id, Release.is_published.is_(True))
            .options(selectinload(ReleaseFile.release))
            .order_by(Release.release_date.desc(), ReleaseFile.name)
        )
        grouped: dict[int, list[ReleaseFile]] = defaultdict(list)
        releases: dict[int, Release] = {}
        for file in (await db_session.execute(query)).scalars():
            grouped[file.release_id].append(file)
            releases[file.release_id] = file.release
        ordered = sorted(releases.values(), key=queries.numeric_version, reverse=True)
        return _page(
            "os_detail.html",
            os=os_row,
            stable=[(r, grouped[r.id]) for r in ordered if not r.pre_release],
            prereleases=[(r, grouped[r.id]) for r in ordered if r.pre_release],
            prefix=_prefix(request),
        )


class ReleaseEditButtonController(Controller):
    """Django's ``/release-edit-button/<pk>`` (``downloads.ReleaseEditButton``), kept for pages and scripts that still
    fetch it: the same staff-only fragment as ``/downloads/release/<slug>/edit-button``, by the release's id."""

    include_in_schema = False

    @get("/release-edit-button/{pk:int}", name="release_edit_button", opt=NO_SLASH)
    async def by_id(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Response[str]:
        body = ""
        if viewer_is_staff(request) and await db_session.get(Release, pk) is not None:
            body = f'<a class="button" href="/admin/downloads/release/{pk}/change/">Edit this release</a>'
        return Response(body, media_type=MediaType.HTML, headers=PRIVATE)
