"""Boxes: named fragments of rendered markup, shown in the layout and at ``/box/<label>/``."""

from pydotorg.domain.boxes import admin  # noqa: F401  (register the admin)
from pydotorg.domain.boxes.controllers import box_detail
from pydotorg.web.section import Section

SECTION = Section(name="boxes", pages=[box_detail])
