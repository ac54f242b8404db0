from __future__ import annotations

from pathlib import Path

from pydotorg.server.static_files import IMMUTABLE, SHORT, StaticManifest


def test_manifest_hashes_content_and_serves_both_names(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "a.css").write_text("body{}")
    (tmp_path / "LICENSE").write_text("text")
    manifest = StaticManifest(tmp_path)
    url = manifest.url("css/a.css")
    assert url.startswith("/static/css/a.") and url.endswith(".css") and url != "/static/css/a.css"
    hashed = url.removeprefix("/static/")
    assert manifest.lookup(hashed) == (tmp_path / "css" / "a.css", IMMUTABLE)
    assert manifest.lookup("css/a.css") == (tmp_path / "css" / "a.css", SHORT)
    assert manifest.lookup("css/missing.css") is None
    assert manifest.url("LICENSE").startswith("/static/LICENSE.")
    assert manifest.url("unknown.js") == "/static/unknown.js"


def test_hash_changes_when_content_changes(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("1")
    first = StaticManifest(tmp_path).url("a.js")
    (tmp_path / "a.js").write_text("2")
    assert StaticManifest(tmp_path).url("a.js") != first
