"""PSF sponsorships (Django's ``sponsors``): so far the data layer and its Django import; the pages, dashboard,
admin and APIs follow."""

from pydotorg.domain.sponsors.django import DJANGO_TABLES
from pydotorg.web.section import Section

SECTION = Section(name="sponsors", django_tables=DJANGO_TABLES)
