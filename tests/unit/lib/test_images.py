"""Image uploads are decoded before they are stored; anything else is an ``ImageError`` with a message."""

from __future__ import annotations

import io
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from pydotorg.lib.images import ImageError, check_image, thumbnail, thumbnail_name


def encode(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white" if mode != "RGBA" else (0, 0, 0, 0)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("JPEG", "jpeg"), ("GIF", "gif"),
                                                ("WEBP", "webp")])  # fmt: skip
def test_real_images_pass(fmt: str, extension: str) -> None:
    check_image(encode((40, 30), fmt), extension)
    check_image(encode((40, 30), fmt), f".{extension.upper()}")


def test_an_image_must_be_the_type_its_name_says() -> None:
    with pytest.raises(ImageError, match=r"not a valid \.jpg image"):
        check_image(encode((4, 4), "PNG"), "jpg")


@pytest.mark.parametrize("content", [b"", b"<script>alert(1)</script>", b"GIF89a", b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_what_is_not_an_image_is_refused(content: bytes) -> None:
    with pytest.raises(ImageError):
        check_image(content, "png")


def test_a_truncated_image_is_refused() -> None:
    data = encode((300, 300), "JPEG")
    with pytest.raises(ImageError):
        check_image(data[: len(data) // 3], "jpg")


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    # a valid PNG header claiming 100,000 x 100,000 pixels, with a tiny compressed body
    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = (100_000).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )
    with pytest.raises(ImageError, match="pixels"):
        check_image(bomb, "png")
    with pytest.raises(ImageError, match="pixels"):
        check_image(encode((200, 200), "PNG"), "png", max_pixels=10_000)


def test_unknown_types_are_refused() -> None:
    with pytest.raises(ImageError, match="not an image type"):
        check_image(b"BM", "bmp")


def test_svg_without_script_passes_and_with_script_is_refused() -> None:
    check_image(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', "svg")
    for evil in (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">x</a></svg>',
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
        b'<svg><foreignObject><iframe src="x"/></foreignObject></svg>',
    ):
        with pytest.raises(ImageError):
            check_image(evil, "svg")
    with pytest.raises(ImageError, match="not an SVG"):
        check_image(b"<html></html>", "svg")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from(["png", "jpg", "gif", "webp", "svg"]))
def test_any_bytes_either_pass_or_raise_image_error(content: bytes, extension: str) -> None:
    try:
        check_image(content, extension)
    except ImageError as exc:
        message = str(exc)
    else:
        message = "accepted"
    assert message


def test_thumbnails_fit_and_keep_the_family() -> None:
    assert thumbnail_name("successstories/a.JPG") == "successstories/a.thumb.jpg"
    assert thumbnail_name("community/photos/b.webp") == "community/photos/b.thumb.png"
    assert thumbnail_name("companies/logo.svg") is None
    assert thumbnail_name("no-extension") is None
    big = thumbnail(encode((2000, 1000), "JPEG"), "x.jpg")
    with Image.open(io.BytesIO(big)) as image:
        assert image.format == "JPEG" and image.size == (480, 240)
    clear = thumbnail(encode((100, 100), "PNG", "RGBA"), "x.png")
    with Image.open(io.BytesIO(clear)) as image:
        assert image.format == "PNG" and image.mode == "RGBA" and image.size == (100, 100)
    with pytest.raises(ImageError):
        thumbnail(b"not an image", "x.png")
