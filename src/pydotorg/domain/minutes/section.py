"""PSF board minutes at ``/psf/records/board/minutes/``."""

from sqlalchemy import Connection

from pydotorg.db.models import Minutes
from pydotorg.domain.minutes import admin  # noqa: F401  (register the admin)
from pydotorg.domain.minutes.controllers import MinutesController
from pydotorg.domain.minutes.django import DJANGO_TABLES
from pydotorg.domain.minutes.sitemap import minutes_sitemap
from pydotorg.web.changes import invalidates
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section

SECTION = Section(
    sitemaps={"minutes": minutes_sitemap}, name="minutes", pages=[MinutesController], django_tables=DJANGO_TABLES
)

invalidates(
    Minutes,
    keys=["minutes"],
    urls=lambda m: [m.absolute_url, "/psf/records/board/minutes/", "/psf/records/board/minutes/feed/"],
)


def _minutes_doc(_conn: Connection, minutes: Minutes) -> Doc | None:
    return (
        Doc(minutes.absolute_url, str(minutes), plain_text(minutes.content_rendered)) if minutes.is_published else None
    )


indexes(Minutes, "minutes", _minutes_doc)
