"""``/api/v1/`` and ``/api/v2/``; the resources they serve are registered by each section's ``api.py``."""

from pydotorg.domain.api import v1, v2
from pydotorg.web.section import Section

SECTION = Section(name="api", routers=[v1.build_router, v2.build_router])
