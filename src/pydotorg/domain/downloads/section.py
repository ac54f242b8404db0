"""Downloads at ``/downloads/`` and ``/getit/``, ``/doc/``, the release APIs, the boxes regenerated on publish."""

from pydotorg.domain.downloads import admin, api, jobs  # noqa: F401  (register the admin, API resources and jobs)
from pydotorg.domain.downloads.controllers import DownloadsController
from pydotorg.domain.downloads.docs import DocsController
from pydotorg.web.section import Section

SECTION = Section(
    name="downloads",
    pages=[DocsController],
    mounts=[("/downloads", [DownloadsController]), ("/getit", [DownloadsController])],
)
