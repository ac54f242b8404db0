"""What a section of the site registers with the app, declared once in its ``section.py``.

``server/sections.py`` lists every section's ``SECTION``; the composition root builds the routers, the CLI, the
home page's parts and the job schedule from that list, so adding a section is one line there. Admin models
(``admin.py``), API resources (``api.py``) and background jobs (``jobs.py``) register themselves when the
section's ``section.py`` imports them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import click
from litestar import Router
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.django import DjangoTable
from pydotorg.lib.sitemap import SitemapEntry

#: One part of the home page: an async function of the request's session whose value the home template gets
#: under the part's name (the upcoming events, later the latest blog entries and a success story).
HomePart = Callable[[AsyncSession], Awaitable[Any]]
HomeParts = Mapping[str, HomePart]
#: One sitemap: an async function of a session returning the section's public URLs (drafts excluded).
SitemapSource = Callable[[AsyncSession], Awaitable[list[SitemapEntry]]]


@dataclass(frozen=True)
class Section:
    name: str
    #: HTML routes under ``/``: they get the site content (menu, boxes, banners) and Django's slash rule.
    pages: Sequence[ControllerRouterHandler] = ()
    #: The same, mounted under other paths: ``(path, handlers)`` (the downloads answer at both of Django's mounts).
    mounts: Sequence[tuple[str, Sequence[ControllerRouterHandler]]] = ()
    #: Documents without the layout (``robots.txt``, ``funding.json``): only the slash rule.
    documents: Sequence[ControllerRouterHandler] = ()
    #: Routers the section assembles itself (the APIs, with their own auth, limits and errors).
    routers: Sequence[Callable[[], Router]] = ()
    #: Commands added to the ``pydotorg`` CLI.
    commands: Sequence[click.Command] = ()
    #: Parts of the home page, by the name the template reads.
    home_parts: HomeParts = field(default_factory=dict)
    #: Periodic background jobs: job name -> the setting holding its cron schedule (run by the SAQ worker).
    periodic_jobs: Mapping[str, str] = field(default_factory=dict)
    #: How the section's tables come from python.org's Django database (``pydotorg import-django``).
    django_tables: Sequence[DjangoTable] = ()
    #: ``/sitemaps/<name>.xml`` files, listed by ``/sitemap.xml``, and the surrogate key that purges them.
    sitemaps: Mapping[str, SitemapSource] = field(default_factory=dict)
