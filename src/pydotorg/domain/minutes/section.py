"""PSF board minutes at ``/psf/records/board/minutes/``."""

from pydotorg.db.models import Minutes
from pydotorg.domain.minutes import admin  # noqa: F401  (register the admin)
from pydotorg.domain.minutes.controllers import MinutesController
from pydotorg.domain.minutes.django import DJANGO_TABLES
from pydotorg.domain.minutes.sitemap import minutes_sitemap
from pydotorg.web.changes import invalidates
from pydotorg.web.section import Section

SECTION = Section(
    sitemaps={"minutes": minutes_sitemap}, name="minutes", pages=[MinutesController], django_tables=DJANGO_TABLES
)

invalidates(
    Minutes,
    keys=["minutes"],
    urls=lambda m: [m.absolute_url, "/psf/records/board/minutes/", "/psf/records/board/minutes/feed/"],
)
