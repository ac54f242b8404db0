"""The media storage interface over fsspec: the local folder embedded mode uses, and another fsspec file system
(fsspec's in-memory one) standing where production puts object storage — the same calls, no local paths."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from pydotorg.settings import Settings
from pydotorg.web.media import MediaStorage, media_url, thumb_url


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 600), "navy").save(out, "JPEG")
    return out.getvalue()


async def test_local_storage_stores_under_new_names_with_a_thumbnail(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    storage = MediaStorage.from_settings(settings)
    first = await storage.store("successstories", "JPG", _jpeg())
    second = await storage.store("successstories", "jpg", _jpeg())
    assert first != second and first.startswith("successstories/") and first.endswith(".jpg")
    assert (tmp_path / "media" / first).read_bytes() == _jpeg()
    thumb = tmp_path / "media" / first.replace(".jpg", ".thumb.jpg")
    with Image.open(thumb) as image:
        assert image.size == (480, 240)
    assert media_url(settings, first) == f"/media/{first}"
    assert thumb_url(settings, first) == f"/media/{first.replace('.jpg', '.thumb.jpg')}"
    assert thumb_url(settings, "companies/logo.svg") == "/media/companies/logo.svg"


async def test_an_fsspec_url_selects_another_backend(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, media_storage="memory://pydotorg-media-test")
    storage = MediaStorage.from_settings(settings)
    relative = await storage.store("community/photos", "png", _png())
    assert await storage.read(relative) == _png()
    assert await storage.exists(relative.replace(".png", ".thumb.png"))
    assert not (tmp_path / "media").exists()  # nothing written locally
    # a file that arrived without a thumbnail (an import) gets one once
    await storage.write("imported/old.png", _png())
    await storage.ensure_thumbnail("imported/old.png")
    assert await storage.exists("imported/old.thumb.png")
    await storage.ensure_thumbnail("imported/old.png")  # already there: nothing to do
    await storage.ensure_thumbnail("files/minutes.pdf")  # not an image: nothing to do


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 128)).save(out, "PNG")
    return out.getvalue()
