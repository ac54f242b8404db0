"""Boxes: named fragments of rendered markup, shown in the layout and at ``/box/<label>/``."""

from pydotorg.db.models.boxes import Box
from pydotorg.domain.boxes import admin  # noqa: F401  (register the admin)
from pydotorg.domain.boxes.controllers import box_detail
from pydotorg.domain.boxes.django import DJANGO_TABLES
from pydotorg.web.changes import invalidates
from pydotorg.web.section import Section

SECTION = Section(django_tables=DJANGO_TABLES, name="boxes", pages=[box_detail])

# Boxes are part of the site content every page shows, and each is served at /box/<label>/.
invalidates(Box, urls=lambda box: [f"/box/{box.label}/"], site_content=True)
