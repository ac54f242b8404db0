"""The asset admin's "export selected" (Django's ``export_assets_as_zipfile``): a ZIP of the selected assets' files
and texts, streamed as it is written — one file in memory at a time, however many are selected — with a
``README.txt`` naming the assets that had no value."""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import AsyncIterator, Sequence
from typing import Any

from advanced_alchemy.utils.text import slugify
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import with_polymorphic

from pydotorg.db.models import FileAsset, GenericAsset, ImgAsset, ResponseAsset, Sponsor, Sponsorship, TextAsset
from pydotorg.web.media import MediaStorage

#: At most this many assets in one export (a bounded answer rather than an endless download).
MAX_ASSETS = 10_000


class _Chunks:
    """A write-only file object for ``zipfile``: what is written waits here until the stream takes it."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


async def owners(session: AsyncSession, assets: Sequence[GenericAsset]) -> dict[tuple[str, int], str]:
    """(content type, object id) -> the sponsor's name, for naming the files."""
    sponsorships = {a.object_id for a in assets if a.content_type == "sponsorship"}
    rows = await session.execute(
        select(Sponsorship.id, Sponsor.name).join(Sponsor, Sponsor.id == Sponsorship.sponsor_id).where(
            Sponsorship.id.in_(sponsorships))
    )  # fmt: skip
    found = {("sponsorship", pk): name for pk, name in rows.tuples()}
    sponsors = {a.object_id for a in assets if a.content_type == "sponsor"}
    for pk, name in (await session.execute(select(Sponsor.id, Sponsor.name).where(Sponsor.id.in_(sponsors)))).tuples():
        found[("sponsor", pk)] = name
    return found


async def load(session: AsyncSession, ids: Sequence[int]) -> list[GenericAsset]:
    every_kind = with_polymorphic(GenericAsset, "*")
    query = select(every_kind).where(every_kind.id.in_(list(ids)[:MAX_ASSETS])).order_by(every_kind.id)
    return list((await session.execute(query)).scalars())


async def stream_zip(
    media: MediaStorage, assets: list[GenericAsset], names: dict[tuple[str, int], str]
) -> AsyncIterator[bytes]:
    sink = _Chunks()
    empty: list[str] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        for asset in assets:
            owner = (
                slugify(names.get((asset.content_type, asset.object_id), ""))
                or f"{asset.content_type}-{asset.object_id}"
            )
            stem = f"{owner}/{asset.internal_name}-{asset.id}"
            content: bytes | None = None
            name = stem
            value: Any = None
            if isinstance(asset, TextAsset | ResponseAsset):
                value = asset.text if isinstance(asset, TextAsset) else asset.response
                if value:
                    content, name = str(value).encode(), f"{stem}.txt"
            elif isinstance(asset, ImgAsset | FileAsset):
                path = asset.image if isinstance(asset, ImgAsset) else asset.file
                if path and await media.exists(path):
                    content, name = await media.read(path), f"{stem}{posixpath.splitext(path)[1]}"
            if content is None:
                empty.append(f"{stem} ({asset.kind})")
                continue
            archive.writestr(name, content)
            yield sink.take()
        readme = (
            "Assets without a value:\n" + "".join(f"  {line}\n" for line in empty)
            if empty
            else "Every asset had a value.\n"
        )
        archive.writestr("README.txt", readme)
    yield sink.take()
