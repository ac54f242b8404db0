"""Admin registrations of operating systems, releases and release files, with the same rules as the APIs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.downloads import OS, Release, ReleaseFile, ReleaseVersion
from pydotorg.db.models.pages import Page
from pydotorg.domain.admin.registry import ModelAdmin, register
from pydotorg.domain.downloads import services

VERSION_CHOICES = [(version.value, version.label) for version in ReleaseVersion]


async def validate_release_file(session: AsyncSession, form: Any, obj: Any) -> dict[str, str]:
    return await services.check_release_file(session, {name: form[name].data for name in form._fields}, obj)


register(
    ModelAdmin(
        model=OS,
        app_label="downloads",
        model_name="os",
        verbose_name="operating system",
        verbose_name_plural="operating systems",
        list_display=["name", "slug"],
        search_fields=["name", "slug"],
        ordering="name",
        fields=["name", "slug"],
        help_texts={"slug": "Used in /downloads/<slug>/ and by release tooling (windows, macos, source, ...)."},
    )
)

register(
    ModelAdmin(
        model=Release,
        app_label="downloads",
        model_name="release",
        verbose_name="release",
        verbose_name_plural="releases",
        list_display=["name", "release_date", "is_published", "pre_release", "is_latest", "show_on_download_page"],
        search_fields=["name", "slug"],
        list_filter=["version", "is_published", "pre_release", "show_on_download_page"],
        ordering="-release_date",
        fields=[
            "name",
            "slug",
            "version",
            "is_latest",
            "is_published",
            "pre_release",
            "show_on_download_page",
            "release_date",
            "release_page_id",
            "release_notes_url",
            "content",
            "content_markup_type",
        ],
        choices={"version": VERSION_CHOICES},
        fk_select={"release_page_id": Page},
        help_texts={
            "name": "Python 3.X.Y[aN], e.g. Python 3.15.0 or Python 3.16.0a2",
            "slug": "Leave empty to derive it from the name.",
            "is_latest": "Marking a release latest unmarks the others of the same version.",
        },
        related=[("Files", "downloads.releasefile", "release_id")],
        before_commit=services.release_saved,
    )
)

register(
    ModelAdmin(
        model=ReleaseFile,
        app_label="downloads",
        model_name="releasefile",
        verbose_name="release file",
        verbose_name_plural="release files",
        list_display=["name", "release_id", "os_id", "download_button", "filesize"],
        search_fields=["name", "slug", "url"],
        list_filter=["download_button", "is_source"],
        ordering="name",
        fields=[
            "release_id",
            "os_id",
            "name",
            "slug",
            "description",
            "is_source",
            "url",
            "gpg_signature_file",
            "sigstore_signature_file",
            "sigstore_cert_file",
            "sigstore_bundle_file",
            "sbom_spdx2_file",
            "md5_sum",
            "sha256_sum",
            "filesize",
            "download_button",
        ],
        fk_select={"release_id": Release, "os_id": OS},
        validate=validate_release_file,
        before_commit=services.file_saved,
    )
)
