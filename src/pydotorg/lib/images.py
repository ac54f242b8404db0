"""Uploaded images: decoded for real before they are stored, and thumbnailed once.

An upload is accepted as an image only if Pillow decodes it as one of the formats its extension names, within a
pixel budget (a decompression bomb — a small file that expands to gigapixels — is refused before it is decoded).
SVG is text, not pixels: it is parsed as XML and refused if it could run anything (scripts, event handlers,
``javascript:`` links, foreign objects, external entities). Thumbnails are written next to the original at upload
time, so no request ever resizes an image.
"""

from __future__ import annotations

import io
import re
import warnings

from PIL import Image, ImageFile

#: extension -> the Pillow formats that may carry it
RASTER_FORMATS: dict[str, frozenset[str]] = {
    "png": frozenset({"PNG"}),
    "jpg": frozenset({"JPEG", "MPO"}),
    "jpeg": frozenset({"JPEG", "MPO"}),
    "gif": frozenset({"GIF"}),
    "webp": frozenset({"WEBP"}),
}
#: the most pixels an upload may decode to (a 6000 x 6000 photograph; python.org's largest is far smaller)
MAX_PIXELS = 36_000_000
THUMBNAIL_SIZE = (480, 480)
_SVG_DANGER = re.compile(
    rb"<\s*(script|foreignObject|iframe|embed|object)\b|\son[a-z]+\s*=|javascript:|<!ENTITY|<!DOCTYPE", re.IGNORECASE
)


class ImageError(ValueError):
    """The upload is not an acceptable image; the message says why, for the form."""


def check_image(content: bytes, extension: str, max_pixels: int = MAX_PIXELS) -> None:
    """Raise ``ImageError`` unless ``content`` is a well-formed image of the type ``extension`` names."""
    extension = extension.lower().lstrip(".")
    if extension == "svg":
        _check_svg(content)
        return
    formats = RASTER_FORMATS.get(extension)
    if formats is None:
        raise ImageError(f"'.{extension}' is not an image type this site accepts.")
    # a library may have switched Pillow to accept truncated files for the whole process (WeasyPrint does on import)
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content), formats=sorted(formats)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ImageError(f"The image is {width} x {height} pixels; at most {max_pixels:,} pixels.")
                image.load()  # decode every pixel: a truncated or corrupt file fails here
        except ImageError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError("The image expands to too many pixels.") from None
        except Exception:  # Pillow's decoders raise KeyError, struct.error... on hostile input
            raise ImageError(f"The file is not a valid .{extension} image.") from None


def _check_svg(content: bytes) -> None:
    head = content.lstrip()[:4096].lower()
    if b"<svg" not in head:
        raise ImageError("The file is not an SVG image.")
    if _SVG_DANGER.search(content):
        raise ImageError("SVG images may not contain scripts, event handlers, links to javascript: or entities.")


def thumbnail_name(relative: str) -> str | None:
    """Where the thumbnail of a stored raster image lives (``a/b.png`` -> ``a/b.thumb.png``); None for the rest."""
    stem, dot, extension = relative.rpartition(".")
    extension = extension.lower()
    if not dot or extension not in RASTER_FORMATS:
        return None
    return f"{stem}.thumb.{'jpg' if extension in {'jpg', 'jpeg'} else 'png'}"


def thumbnail(content: bytes, relative: str, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A copy of a checked raster image that fits in ``size``, in the format ``thumbnail_name`` gives it: JPEG for
    photographs, PNG for the rest (transparency kept); an animated GIF keeps its first frame."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.seek(0)
            copy = image.copy()
    except Exception as exc:  # as in check_image: any decoder failure is "not an image"
        raise ImageError(f"{relative} cannot be decoded: {exc}") from None
    copy.thumbnail(size)
    out = io.BytesIO()
    if (thumbnail_name(relative) or "").endswith(".jpg"):
        copy.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        copy.save(out, "PNG", optimize=True)
    return out.getvalue()
