"""The staff admin at ``/admin/``; the models it manages are registered by each section."""

from pydotorg.domain.admin.controllers import AdminController
from pydotorg.web.section import Section

SECTION = Section(name="admin", pages=[AdminController])
