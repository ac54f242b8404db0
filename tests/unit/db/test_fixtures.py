from __future__ import annotations

import json
from pathlib import Path

import pytest

from pydotorg.domain.navigation.urls import resolve_url
from pydotorg.fixtures.django import FixtureError, convert_boxes, convert_flags, convert_sitetree
from pydotorg.fixtures.seed import parse_page_file, project_boxes, project_flags, project_menus, project_pages


def test_project_menu_has_the_115_items_of_python_org() -> None:
    (menu,) = project_menus()
    assert menu.alias == "main"
    assert len(menu.items) == 115
    top = sorted((i for i in menu.items if i.parent_id is None), key=lambda i: i.sort_order)
    assert [i.title for i in top] == ["Python", "PSF", "Docs", "PyPI", "Jobs", "Community"]
    assert {i.url for i in top} >= {"/", "/psf-landing/", "https://pypi.org/", "/jobs/"}


def test_project_content_is_complete() -> None:
    assert len(project_boxes()) == 63
    paths = {p.path for p in project_pages()}
    assert {"about/gettingstarted", "psf", "community", "doc", "psf/membership"} <= paths
    assert {f.name for f in project_flags()} == {"psf_membership", "sponsorship-applications-open"}


def test_url_names_resolve_to_our_paths() -> None:
    assert resolve_url("download:download", True) == "/downloads/"
    assert resolve_url("/about/apps/", False) == "/about/apps/"
    assert resolve_url("unknown:name", True) == "unknown:name"


def test_page_file_format(tmp_path: Path) -> None:
    (tmp_path / "psf").mkdir()
    page = tmp_path / "psf" / "index.md"
    page.write_text("Title: PSF\nDescription: The foundation\nTemplate: psf/default.html\n---\n# Hello\n")
    record = parse_page_file(page, tmp_path)
    assert (record.path, record.title, record.description, record.template_name) == (
        "psf",
        "PSF",
        "The foundation",
        "psf/default.html",
    )
    assert record.markup_type == "markdown"
    assert record.content == "# Hello\n"
    bad = tmp_path / "bad.rst"
    bad.write_text("Title: x\nno separator")
    with pytest.raises(ValueError, match="missing"):
        parse_page_file(bad, tmp_path)


@pytest.mark.parametrize("content", ["{not json", '{"a": 1}'])
def test_unreadable_fixture_files_are_reported(tmp_path: Path, content: str) -> None:
    path = tmp_path / "boxes.json"
    path.write_text(content)
    with pytest.raises(FixtureError):
        convert_boxes(path)


def test_item_in_an_unknown_tree_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "menu.json"
    path.write_text(json.dumps([{"model": "sitetree.treeitem", "pk": 1, "fields": {"tree": 9, "title": "x"}}]))
    with pytest.raises(FixtureError, match="unknown tree"):
        convert_sitetree(path)


def test_flags_conversion(tmp_path: Path) -> None:
    path = tmp_path / "flags.json"
    path.write_text(json.dumps([{"model": "waffle.flag", "pk": 1, "fields": {"name": "f", "everyone": True}}]))
    (flag,) = convert_flags(path)
    assert flag.name == "f"
    assert flag.everyone is True
