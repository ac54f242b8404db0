from __future__ import annotations

import pytest

from pydotorg.domain.banners.queries import ActiveBanner, pick_banner
from pydotorg.domain.navigation.menu import MenuNode, MenuTree
from pydotorg.server.site_content import SiteContent


def _tree() -> MenuTree:
    python = MenuNode(
        title="Python",
        url="/",
        alias="python-meta",
        children=[
            MenuNode(title="About", url="/about/", children=[MenuNode(title="Help", url="/about/help/")]),
            MenuNode(title="Contributing", url="/dev/", alias="python-footer"),
        ],
    )
    return MenuTree(trunk=[python, MenuNode(title="PyPI", url="https://pypi.org/", alias="pypi-meta")])


def test_main_menu_leaves_out_the_footer_only_section() -> None:
    tree = _tree()
    assert [n.title for n in tree.main] == ["About"]
    assert [n.title for n in tree.footer] == ["About", "Contributing"]
    assert tree.main[0].supernav_box == "supernav-python-about"
    assert tree.find("pypi-meta") is not None
    assert tree.find("pypi-meta").is_external  # type: ignore[union-attr]
    assert tree.find("nothing") is None
    assert tree.trunk[0].css_class == "python-meta"


def test_empty_tree_has_no_main_menu() -> None:
    assert MenuTree().main == []
    assert MenuTree().footer == []


def test_banner_choice_follows_django() -> None:
    psf_only = ActiveBanner("PSF", "psf", "/psf/", psf_pages_only=True)
    everywhere = ActiveBanner("All", "all", "/", psf_pages_only=False)
    assert pick_banner([psf_only, everywhere], psf_page=False) is everywhere
    assert pick_banner([psf_only, everywhere], psf_page=True) is psf_only
    assert pick_banner([psf_only], psf_page=False) is None


def test_missing_box_is_empty_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    content = SiteContent(boxes={"a": "<p>A</p>"})
    assert str(content.box("a")) == "<p>A</p>"
    assert str(content.box("b")) == ""
    assert "box 'b' does not exist" in caplog.text
