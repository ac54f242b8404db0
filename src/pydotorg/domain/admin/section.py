"""The staff admin at ``/admin/``; the models it manages are registered by each section."""

from pydotorg.domain.admin.controllers import AdminController
from pydotorg.domain.admin.django import DJANGO_TABLES
from pydotorg.domain.admin.live import LiveController
from pydotorg.web.section import Section

SECTION = Section(django_tables=DJANGO_TABLES, name="admin", pages=[LiveController, AdminController])
