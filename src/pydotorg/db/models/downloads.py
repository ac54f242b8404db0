"""Downloads: operating systems, releases and their files (Django's ``downloads`` app, same tables and rules)."""

from __future__ import annotations

import datetime
import enum
import re
from typing import ClassVar

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    NameSlug,
    markup_rendered_column,
    markup_type_column,
    utcnow,
)
from pydotorg.db.models.pages import Page

#: Every URL column of a release file is blank or on www.python.org (Django's CHECK constraint).
URL_PREFIXES = ("https://www.python.org/", "http://www.python.org/")
URL_COLUMNS = (
    "url",
    "gpg_signature_file",
    "sigstore_signature_file",
    "sigstore_cert_file",
    "sigstore_bundle_file",
    "sbom_spdx2_file",
)
#: Sidecar column -> the suffixes it may add to the artifact URL.
SIDECAR_SUFFIXES: dict[str, tuple[str, ...]] = {
    "gpg_signature_file": (".asc",),
    "sigstore_signature_file": (".sig",),
    "sigstore_cert_file": (".crt",),
    "sigstore_bundle_file": (".sigstore",),
    "sbom_spdx2_file": (".spdx.json",),
}
VERSION_RE = re.compile(r"(\d+(?:\.\d+)*)((?:a|b|rc)\d+)?")


class ReleaseVersion(enum.IntEnum):
    PYTHON1 = 1
    PYTHON2 = 2
    PYTHON3 = 3
    PYMANAGER = 100

    @property
    def label(self) -> str:
        return "Python install manager" if self is ReleaseVersion.PYMANAGER else f"Python {self.value}.x.x"


class OS(ContentManageable, NameSlug, Base):
    __tablename__ = "downloads_os"

    @property
    def url(self) -> str:
        return f"/downloads/{self.slug}/"


def _url_check(column: str) -> CheckConstraint:
    allowed = " OR ".join(f"{column} LIKE '{prefix}%'" for prefix in URL_PREFIXES)
    return CheckConstraint(f"{column} = '' OR {allowed}", name=f"{column}_python_org")


class Release(ContentManageable, NameSlug, Base):
    __tablename__ = "downloads_release"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"content": MarkupSpec()}

    version: Mapped[int] = mapped_column(Integer, default=ReleaseVersion.PYTHON3, index=True)
    is_latest: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    pre_release: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    show_on_download_page: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    release_date: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=utcnow, nullable=True, index=True
    )
    release_page_id: Mapped[int | None] = mapped_column(
        ForeignKey("pages_page.id", ondelete="CASCADE"), nullable=True, index=True
    )
    release_notes_url: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    content_markup_type: Mapped[str] = markup_type_column("markdown")
    content_rendered: Mapped[str] = markup_rendered_column("content")

    release_page: Mapped[Page | None] = relationship(lazy="raise")
    files: Mapped[list[ReleaseFile]] = relationship(back_populates="release", lazy="raise", passive_deletes=True)

    @property
    def url(self) -> str:
        """Django's ``get_absolute_url``: the release page when there is no content of our own."""
        if not self.content and self.release_page_id is not None and "release_page" in self.__dict__:
            page = self.__dict__["release_page"]
            if page is not None:
                return f"/{page.path.lstrip('/')}"
        return f"/downloads/release/{self.slug}/"

    def get_version(self) -> str | None:
        found = VERSION_RE.search(self.name)
        return found.group(0) if found else None

    def version_tuple(self) -> tuple[int, ...]:
        found = VERSION_RE.search(self.name)
        return tuple(int(part) for part in found.group(1).split(".")) if found else ()

    def is_version_at_least(self, minimum: tuple[int, ...]) -> bool:
        return self.version_tuple() >= minimum


class ReleaseFile(ContentManageable, NameSlug, Base):
    __tablename__ = "downloads_releasefile"
    __table_args__ = (
        Index(
            "uq_downloads_releasefile_one_button",
            "os_id",
            "release_id",
            unique=True,
            sqlite_where=text("download_button = 1"),
            postgresql_where=text("download_button"),
        ),
        *(_url_check(column) for column in URL_COLUMNS),
    )

    os_id: Mapped[int] = mapped_column(ForeignKey("downloads_os.id", ondelete="CASCADE"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("downloads_release.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_source: Mapped[bool] = mapped_column(Boolean, default=False)
    url: Mapped[str] = mapped_column(String(255), unique=True, index=True)
    gpg_signature_file: Mapped[str] = mapped_column(String(255), default="")
    sigstore_signature_file: Mapped[str] = mapped_column(String(255), default="")
    sigstore_cert_file: Mapped[str] = mapped_column(String(255), default="")
    sigstore_bundle_file: Mapped[str] = mapped_column(String(255), default="")
    sbom_spdx2_file: Mapped[str] = mapped_column(String(255), default="")
    md5_sum: Mapped[str] = mapped_column(String(200), default="")
    sha256_sum: Mapped[str] = mapped_column(String(200), default="")
    filesize: Mapped[int] = mapped_column(BigInteger, default=0)
    download_button: Mapped[bool] = mapped_column(Boolean, default=False)

    os: Mapped[OS] = relationship(lazy="raise")
    release: Mapped[Release] = relationship(back_populates="files", lazy="raise")
