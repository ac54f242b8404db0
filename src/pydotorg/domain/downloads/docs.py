"""``/doc/`` (the documentation landing page) and ``/doc/versions/`` (documentation by Python version)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.downloads import Release, ReleaseVersion
from pydotorg.domain.downloads import queries

#: Releases whose documentation was never published separately (Django's exceptions).
SKIPPED = {"2.3.6", "2.3.7", "2.4.5", "2.4.6", "2.5.5", "2.5.6"}
#: Versions older than the release database, listed by hand as on the Django site.
LEGACY = ["2.2.3", "2.2.2", "2.2.1", "2.2p1", "2.2", "2.1.3", "2.1.2", "2.1.1", "2.1", "2.0.1", "2.0", "1.6", "1.5.2",
          "1.5.1p1", "1.5.1", "1.5", "1.4"]  # fmt: skip


def _label(numbers: tuple[int, ...]) -> str:
    """X.Y.0 is shown as X.Y up to 3.2.0, as python.org always did."""
    if len(numbers) == 3 and numbers[2] == 0 and numbers[:2] <= (3, 2):
        return f"{numbers[0]}.{numbers[1]}"
    return ".".join(str(n) for n in numbers)


class DocsController(Controller):
    path = "/doc"
    include_in_schema = False

    @get("/", name="documentation", cache=True)
    async def index(self, db_session: AsyncSession) -> Template:
        return Template(
            template_name="docs/documentation.html",
            context={
                "latest_python3": await queries.latest(db_session, ReleaseVersion.PYTHON3),
                "latest_python2": await queries.latest(db_session, ReleaseVersion.PYTHON2),
            },
        )

    @get("/versions/", name="docs-versions", cache=True)
    async def versions(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        query = queries.published().where(
            Release.pre_release.is_(False),
            Release.version.in_([int(ReleaseVersion.PYTHON2), int(ReleaseVersion.PYTHON3)]),
        )
        releases = sorted((await db_session.execute(query)).scalars().all(), key=queries.numeric_version, reverse=True)
        groups: OrderedDict[str, list[tuple[str, Any]]] = OrderedDict()
        for release in releases:
            numbers = release.version_tuple()
            if len(numbers) < 2 or ".".join(map(str, numbers)) in SKIPPED:
                continue
            groups.setdefault(f"{numbers[0]}.{numbers[1]}", []).append((_label(numbers), release))
        return Template(template_name="docs/versions.html", context={"groups": groups, "legacy": LEGACY})
