"""Downloads at ``/downloads/`` and ``/getit/``, ``/doc/``, the release APIs, the boxes regenerated on publish."""

from sqlalchemy import Connection

from pydotorg.db.models.downloads import OS, Release, ReleaseFile
from pydotorg.domain.downloads import admin, api, jobs  # noqa: F401  (register the admin, API resources and jobs)
from pydotorg.domain.downloads.controllers import DownloadsController, ReleaseEditButtonController
from pydotorg.domain.downloads.django import DJANGO_TABLES
from pydotorg.domain.downloads.docs import DocsController
from pydotorg.domain.downloads.sitemap import downloads_sitemap
from pydotorg.web.changes import invalidates
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section

SECTION = Section(
    sitemaps={"downloads": downloads_sitemap},
    django_tables=DJANGO_TABLES,
    name="downloads",
    pages=[DocsController, ReleaseEditButtonController],
    mounts=[("/downloads", [DownloadsController]), ("/getit", [DownloadsController])],
)

# Every downloads page carries the ``downloads`` surrogate key; the release directory listing is purged by URL.
for model in (OS, Release, ReleaseFile):
    invalidates(model, keys=["downloads"], urls=["/ftp/python/"])


def _release_doc(_conn: Connection, release: Release) -> Doc | None:
    if not release.is_published:
        return None
    body = " ".join(filter(None, [plain_text(release.content_rendered, 50), release.release_notes_url]))
    return Doc(f"/downloads/release/{release.slug}/", release.name, body, date=release.release_date)


indexes(Release, "release", _release_doc)
