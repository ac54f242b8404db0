"""Companies: an admin and the importer's mapping; stories show their name, link and logo."""

from pydotorg.db.models.companies import Company
from pydotorg.domain.companies import admin  # noqa: F401  (register the admin)
from pydotorg.domain.companies.django import DJANGO_TABLES
from pydotorg.web.changes import invalidates
from pydotorg.web.section import Section

SECTION = Section(name="companies", django_tables=DJANGO_TABLES)

invalidates(Company, keys=["successstories"])
