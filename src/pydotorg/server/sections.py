"""Every section of the site, in one list: adding a section is one line here.

Importing a section's ``section.py`` registers its admin models, API resources and background jobs; its
``SECTION`` says what else it brings (routes, commands, home page parts, periodic jobs).
"""

from __future__ import annotations

from pydotorg.domain.admin import section as admin
from pydotorg.domain.api import section as api
from pydotorg.domain.banners import section as banners
from pydotorg.domain.blogs import section as blogs
from pydotorg.domain.boxes import section as boxes
from pydotorg.domain.codesamples import section as codesamples
from pydotorg.domain.community import section as community
from pydotorg.domain.companies import section as companies
from pydotorg.domain.downloads import section as downloads
from pydotorg.domain.events import section as events
from pydotorg.domain.jobs import section as jobs
from pydotorg.domain.minutes import section as minutes
from pydotorg.domain.navigation import section as navigation
from pydotorg.domain.nominations import section as nominations
from pydotorg.domain.pages import section as pages
from pydotorg.domain.redirects import section as redirects
from pydotorg.domain.search import section as search
from pydotorg.domain.sponsors import section as sponsors
from pydotorg.domain.successstories import section as successstories
from pydotorg.domain.users import section as users
from pydotorg.domain.workgroups import section as workgroups
from pydotorg.web.section import HomePart, HomeParts, Section

SECTIONS: list[Section] = [
    pages.SECTION,
    boxes.SECTION,
    users.SECTION,
    admin.SECTION,
    api.SECTION,
    downloads.SECTION,
    events.SECTION,
    jobs.SECTION,
    companies.SECTION,
    successstories.SECTION,
    minutes.SECTION,
    blogs.SECTION,
    codesamples.SECTION,
    workgroups.SECTION,
    community.SECTION,
    nominations.SECTION,
    sponsors.SECTION,
    search.SECTION,
    banners.SECTION,
    navigation.SECTION,
    redirects.SECTION,
]


def home_parts() -> HomeParts:
    """The home page's parts from every section, by name (a name registered twice is a mistake)."""
    parts: dict[str, HomePart] = {}
    for section in SECTIONS:
        for name, part in section.home_parts.items():
            if name in parts:
                raise ValueError(f"home page part {name!r} is registered twice")
            parts[name] = part
    return parts


def periodic_jobs() -> dict[str, str]:
    """Job name -> the setting holding its cron schedule, for every section."""
    return {name: setting for section in SECTIONS for name, setting in section.periodic_jobs.items()}
