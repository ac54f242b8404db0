"""The pages section: the home page and the site's fixed pages, CMS pages (the 404 fallback), the pages API."""

from pydotorg.domain.pages import admin, api, jobs  # noqa: F401  (register the admin, API resources and jobs)
from pydotorg.domain.pages.controllers import RootController, TextController
from pydotorg.web.section import Section

SECTION = Section(name="pages", pages=[RootController], documents=[TextController])
