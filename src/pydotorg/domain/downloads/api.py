"""The downloads resources of both APIs: ``downloads/os``, ``downloads/release``, ``downloads/release_file``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.downloads import OS, Release, ReleaseFile, ReleaseVersion
from pydotorg.domain.api.resources import Relation, Resource, register
from pydotorg.domain.api.v1 import ALL, ALL_WITH_RELATIONS
from pydotorg.domain.downloads import services

EXACT = ("exact",)
FILE_FIELDS = [
    "name", "slug", "os", "release", "description", "is_source", "url", "gpg_signature_file", "md5_sum",
    "sha256_sum", "filesize", "download_button", "sigstore_signature_file", "sigstore_cert_file",
    "sigstore_bundle_file", "sbom_spdx2_file",
]  # fmt: skip


async def _unique(session: AsyncSession, model: Any, column: str, value: Any, exclude: Any) -> bool:
    if not value:
        return False
    query = select(model.id).where(getattr(model, column) == value)
    if exclude is not None:
        query = query.where(model.id != exclude.id)
    return (await session.execute(query.limit(1))).first() is not None


async def validate_os(session: AsyncSession, values: dict[str, Any], obj: Any) -> dict[str, str]:
    if await _unique(session, OS, "slug", values.get("slug"), obj):
        return {"slug": "os with this slug already exists."}
    return {}


async def validate_release(session: AsyncSession, values: dict[str, Any], obj: Any) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values.get("version") not in {v.value for v in ReleaseVersion}:
        errors["version"] = f'"{values.get("version")}" is not a valid choice (1, 2, 3 or 100).'
    if await _unique(session, Release, "slug", values.get("slug"), obj):
        errors["slug"] = "release with this slug already exists."
    return errors


async def validate_release_file(session: AsyncSession, values: dict[str, Any], obj: Any) -> dict[str, str]:
    return await services.check_release_file(session, values, obj)


def _blank() -> str:
    return ""


register(
    Resource(
        name="downloads/os",
        model=OS,
        fields=["name", "slug"],
        v1_filtering={"name": EXACT, "slug": EXACT},
        v2_filters={"name": ("name", "exact"), "slug": ("slug", "exact")},
        v2_strict_filters=False,
        v2_basename="os",
        ordering=("name",),
        validate=validate_os,
        defaults={"slug": _blank},
    )
)

register(
    Resource(
        name="downloads/release",
        model=Release,
        fields=[
            "name",
            "slug",
            "version",
            "is_published",
            "is_latest",
            "release_date",
            "pre_release",
            "release_page",
            "release_notes_url",
            "show_on_download_page",
        ],
        relations={"release_page": Relation("release_page_id", "pages/page", nullable=True)},
        published_only=True,
        v1_filtering={
            "name": EXACT,
            "slug": EXACT,
            "is_published": EXACT,
            "pre_release": EXACT,
            "version": ("exact", "startswith"),
            # python.org declares ("release_date": (ALL,)): tastypie then refuses every lookup on it, exact too
            "release_date": (ALL,),
        },
        v2_filters={
            "name": ("name", "exact"),
            "slug": ("slug", "exact"),
            "is_published": ("is_published", "exact"),
            "pre_release": ("pre_release", "exact"),
            "version": ("version", "exact"),
            "release_date": ("release_date", "exact"),
        },
        # Django's auto-generated filterset ignores unknown parameters (limit, order_by, ...) that scripts send.
        v2_strict_filters=False,
        v2_basename="release",
        ordering=("name",),
        validate=validate_release,
        before_commit=services.release_saved,
        defaults={"slug": _blank},
        help={"version": "1, 2, 3 (Python 1.x, 2.x, 3.x) or 100 (the Python install manager)."},
    )
)

register(
    Resource(
        name="downloads/release_file",
        model=ReleaseFile,
        fields=FILE_FIELDS,
        relations={"os": Relation("os_id", "downloads/os"), "release": Relation("release_id", "downloads/release")},
        v1_filtering={
            "name": EXACT,
            "slug": EXACT,
            "os": ALL_WITH_RELATIONS,
            "release": ALL_WITH_RELATIONS,
            "description": ("contains",),
        },
        v1_list_delete=True,
        v2_filters={
            "name": ("name", "exact"),
            "slug": ("slug", "exact"),
            "description__contains": ("description", "contains"),
            "os": ("os", "exact"),
            "release": ("release", "exact"),
        },
        v2_basename="release_file",
        # Django's ReleaseFile.Meta.ordering.
        ordering=("-release__is_published", "release__name", "os__name", "name"),
        validate=validate_release_file,
        before_commit=services.file_saved,
        defaults={"slug": _blank},
        help={
            "url": "On https://www.python.org/; sidecars are this URL plus .asc, .sig, .crt, .sigstore or .spdx.json."
        },
    )
)
