"""The pages section: the home page and the site's fixed pages, CMS pages (the 404 fallback), the pages API."""

from sqlalchemy import Connection

from pydotorg.db.models.pages import Page
from pydotorg.domain.pages import admin, api, jobs  # noqa: F401  (register the admin, API resources and jobs)
from pydotorg.domain.pages.controllers import RootController, TextController
from pydotorg.domain.pages.django import DJANGO_TABLES
from pydotorg.domain.pages.sitemap import pages_sitemap
from pydotorg.web.changes import invalidates
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section

SECTION = Section(
    sitemaps={"pages": pages_sitemap},
    django_tables=DJANGO_TABLES,
    name="pages",
    pages=[RootController],
    documents=[TextController],
)

invalidates(Page, urls=lambda page: [f"/{page.path.strip('/')}/" if page.path.strip("/") else "/"])


def _page_doc(_conn: Connection, page: Page) -> Doc | None:
    path = page.path.strip("/")
    if not page.is_published or not path:
        return None
    body = " ".join(filter(None, [page.description, plain_text(page.content_rendered)]))
    return Doc(f"/{path}/", page.title, body)


indexes(Page, "page", _page_doc)
