"""Where uploads live: one small interface over an fsspec file system.

Embedded mode stores under ``<var>/media`` (or ``PYDOTORG_MEDIA_ROOT``); production sets ``PYDOTORG_MEDIA_STORAGE``
to an fsspec URL such as ``s3://python-org-media/media`` (with the matching fsspec driver, e.g. ``s3fs``, installed)
and the same code writes there. Files get generated names that are never reused, so they are served as immutable;
raster images get their thumbnail written beside them when they are stored.
"""

from __future__ import annotations

import asyncio
import posixpath
import uuid
from typing import Any

import fsspec
from fsspec.implementations.dirfs import DirFileSystem

from pydotorg.lib.images import thumbnail, thumbnail_name
from pydotorg.settings import Settings


class MediaStorage:
    def __init__(self, base: Any, root: str) -> None:
        self.base = base  # the fsspec file system, and the media root's path on it
        self.root = root
        self.fs = DirFileSystem(root, base)  # paths relative to the media root

    @classmethod
    def from_settings(cls, settings: Settings) -> MediaStorage:
        if settings.media_storage:
            protocol, _, root = settings.media_storage.partition("://")
            return cls(fsspec.filesystem(protocol), root)
        settings.media_path.mkdir(parents=True, exist_ok=True)
        return cls(fsspec.filesystem("file"), str(settings.media_path))

    async def write(self, relative: str, content: bytes) -> None:
        def write() -> None:
            parent = posixpath.dirname(relative)
            if parent:
                self.fs.makedirs(parent, exist_ok=True)
            self.fs.pipe_file(relative, content)

        await asyncio.to_thread(write)

    async def read(self, relative: str) -> bytes:
        return bytes(await asyncio.to_thread(self.fs.cat_file, relative))

    async def exists(self, relative: str) -> bool:
        return bool(await asyncio.to_thread(self.fs.exists, relative))

    async def store(self, folder: str, extension: str, content: bytes) -> str:
        """Store checked upload bytes under a new name in ``folder`` (and a raster image's thumbnail beside it);
        returns the relative path the row keeps."""
        relative = f"{folder.strip('/')}/{uuid.uuid4().hex}.{extension.lower().lstrip('.')}"
        await self.write(relative, content)
        await self.ensure_thumbnail(relative, content)
        return relative

    async def ensure_thumbnail(self, relative: str, content: bytes | None = None) -> None:
        """Write a raster image's thumbnail if it is missing (imported files get theirs here)."""
        name = thumbnail_name(relative)
        if name is None or await self.exists(name):
            return
        data = content if content is not None else await self.read(relative)
        small = await asyncio.to_thread(thumbnail, data, relative)
        await self.write(name, small)


def media_url(settings: Settings, path: str) -> str:
    return settings.media_url.rstrip("/") + "/" + str(path).lstrip("/")


def absolute_media_url(settings: Settings, path: str) -> str:
    """A stored file's URL with the configured site's origin (already absolute for remote storage)."""
    url = media_url(settings, path)
    return url if "://" in url else settings.absolute_url(url)


def thumb_url(settings: Settings, path: str) -> str:
    """The URL of a stored image's thumbnail (an SVG is its own)."""
    return media_url(settings, thumbnail_name(str(path)) or str(path))
