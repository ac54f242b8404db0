"""What every page's layout shows, composed from the sections that own it: boxes, the menu tree and banners.

The snapshot is cached and versioned by :class:`pydotorg.web.site_content.SiteContentCache`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.domain.banners.queries import ActiveBanner, load_active_banners, pick_banner
from pydotorg.domain.boxes.queries import load_boxes
from pydotorg.domain.navigation.menu import MenuTree, load_menu
from pydotorg.domain.sponsors.placements import Placements, load_placements

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteContent:
    boxes: dict[str, str] = field(default_factory=dict)
    menu: MenuTree = field(default_factory=MenuTree)
    banners: list[ActiveBanner] = field(default_factory=list)
    #: Sponsors' logos on python.org's pages (rebuilt each day, as sponsorships start and end).
    placements: Placements = field(default_factory=lambda: Placements({}, datetime.date.min))
    #: Parts of the layout rendered from this snapshot (the navigation, the footer), kept with it: a change to
    #: the menu makes a new snapshot, and with it new parts.
    parts: dict[tuple[Any, ...], Markup] = field(default_factory=dict, compare=False, repr=False)

    @property
    def loaded_on(self) -> datetime.date:
        return self.placements.loaded_on

    def box(self, label: str) -> Markup:
        try:
            return Markup(self.boxes[label])  # noqa: S704 - rendered and sanitised when the box was saved
        except KeyError:
            logger.warning("box %r does not exist", label)
            return Markup("")

    def part(self, key: tuple[Any, ...], render: Callable[[], str]) -> Markup:
        """The layout part ``key``, rendered once per snapshot."""
        found = self.parts.get(key)
        if found is None:
            found = self.parts[key] = Markup(render())  # noqa: S704 - our own template's output
        return found

    def banner(self, *, psf_page: bool = False) -> ActiveBanner | None:
        return pick_banner(self.banners, psf_page=psf_page)


def site_content_loader(session_factory: Callable[[], AsyncSession]) -> Callable[[], Awaitable[SiteContent]]:
    async def load() -> SiteContent:
        async with session_factory() as session:
            return SiteContent(
                boxes=await load_boxes(session),
                menu=await load_menu(session),
                banners=await load_active_banners(session),
                placements=await load_placements(session),
            )

    return load
