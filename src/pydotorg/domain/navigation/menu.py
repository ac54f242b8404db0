"""The menu tree as the templates use it: the top bar, the main menu with supernav panels, the footer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Menu, MenuItem

MAIN_MENU = "main"
#: Boxes that fill the dropdown panel of each main-menu section.
SUPERNAV_BOXES = {
    "About": "supernav-python-about",
    "Downloads": "supernav-python-downloads",
    "Documentation": "supernav-python-documentation",
    "Community": "supernav-python-community",
    "Success Stories": "supernav-python-success-stories",
    "News": "supernav-python-blog",
    "Events": "supernav-python-events",
}


@dataclass
class MenuNode:
    title: str
    url: str
    hint: str = ""
    alias: str | None = None
    children: list[MenuNode] = field(default_factory=list)

    @property
    def supernav_box(self) -> str | None:
        return SUPERNAV_BOXES.get(self.title)

    @property
    def css_class(self) -> str:
        return (self.alias or self.title).lower().replace(" ", "-")

    @property
    def is_external(self) -> bool:
        return self.url.startswith(("http://", "https://"))


@dataclass
class MenuTree:
    """Visible items only (not hidden, shown in menus), ordered by ``sort_order``."""

    trunk: list[MenuNode] = field(default_factory=list)

    def find(self, alias: str) -> MenuNode | None:
        stack = list(self.trunk)
        while stack:
            node = stack.pop()
            if node.alias == alias:
                return node
            stack.extend(node.children)
        return None

    @property
    def main(self) -> list[MenuNode]:
        """The main menu: the sections under ``python-meta`` except the footer-only one."""
        root = self.find("python-meta")
        return [n for n in root.children if n.alias != "python-footer"] if root else []

    def section(self, path: str) -> MenuNode | None:
        """The main-menu section a path belongs to: the item whose own or whose children's URL is the longest
        prefix of the path (``/about/apps/`` -> About, ``/blogs/`` -> News)."""
        best: tuple[int, MenuNode] | None = None
        for item in self.main:
            for url in (item.url, *(child.url for child in item.children)):
                if url.startswith("/") and url != "/" and path.startswith(url) and (best is None or len(url) > best[0]):
                    best = (len(url), item)
        return best[1] if best else None

    def meta_section(self, path: str) -> str:
        """The top bar's item for a path: PSF, Jobs or Community pages, Python for the rest."""
        for prefix, alias in (("/psf", "psf-meta"), ("/jobs/", "jobs-meta"), ("/community/", "shop-meta")):
            if path.startswith(prefix):
                return alias
        return "python-meta"

    def sidebar(self, path: str) -> tuple[str, str, list[MenuNode]] | None:
        """A CMS page's section menu: (title, URL, links); PSF pages get the PSF's own menu."""
        if path.startswith("/psf"):
            psf = self.find("psf-meta")
            return ("The PSF", "/psf/", psf.children) if psf and psf.children else None
        section = self.section(path)
        return (section.title, section.url, section.children) if section and section.children else None

    @property
    def footer(self) -> list[MenuNode]:
        root = self.find("python-meta")
        return list(root.children) if root else []


async def load_menu(session: AsyncSession, alias: str = MAIN_MENU) -> MenuTree:
    rows = (
        await session.execute(
            select(MenuItem.id, MenuItem.parent_id, MenuItem.title, MenuItem.url, MenuItem.hint, MenuItem.alias)
            .join(Menu, Menu.id == MenuItem.menu_id)
            .where(Menu.alias == alias, MenuItem.hidden.is_(False), MenuItem.inmenu.is_(True))
            .order_by(MenuItem.sort_order, MenuItem.id)
        )
    ).all()
    children: dict[int | None, list[tuple[int, MenuNode]]] = defaultdict(list)
    for row in rows:
        node = MenuNode(title=row.title.strip(), url=row.url, hint=row.hint, alias=row.alias)
        children[row.parent_id].append((row.id, node))

    def attach(parent: int | None) -> list[MenuNode]:
        nodes = []
        for item_id, node in children.get(parent, []):
            node.children = attach(item_id)
            nodes.append(node)
        return nodes

    return MenuTree(trunk=attach(None))
