"""PSF sponsorships (Django's ``sponsors``): the catalogue, sponsors and their sponsorships, the logo placements on
python.org's pages, the sponsor APIs, and the Django import of all 37 tables."""

from pydotorg.db.models import (
    LogoPlacement,
    Sponsor,
    SponsorBenefit,
    Sponsorship,
    SponsorshipPackage,
    SponsorshipStatus,
)
from pydotorg.domain.sponsors import admin, api  # noqa: F401  (admin registers the models)
from pydotorg.domain.sponsors.controllers import SponsorshipApplicationController
from pydotorg.domain.sponsors.dashboard import SponsorDashboardController
from pydotorg.domain.sponsors.django import DJANGO_TABLES
from pydotorg.domain.sponsors.tasks import ASSETS_DUE_JOB, check_assets_due_command
from pydotorg.web.changes import invalidates
from pydotorg.web.live import ModerationQueue, moderation_queue
from pydotorg.web.section import Section

SECTION = Section(
    name="sponsors",
    pages=[SponsorshipApplicationController, SponsorDashboardController],
    routers=[api.build_router],
    commands=[check_assets_due_command],
    periodic_jobs={ASSETS_DUE_JOB: "sponsorship_assets_cron"},
    django_tables=DJANGO_TABLES,
)

# Sponsors' logos are part of the site content snapshot (the sponsors wall, the jobs and downloads sidebars): any
# change to what decides them reloads it in every process and clears the cached pages that show them.
PLACEMENT_PAGES = ["/psf/sponsors/", "/jobs/", "/downloads/"]
for _model in (Sponsorship, Sponsor, SponsorshipPackage, SponsorBenefit, LogoPlacement):
    invalidates(_model, keys=["sponsors"], urls=PLACEMENT_PAGES, site_content=True)

moderation_queue(
    ModerationQueue(
        name="sponsorships",
        label="Sponsorship applications",
        admin_key="sponsors.sponsorship",
        model=Sponsorship,
        pending=lambda: Sponsorship.status == SponsorshipStatus.APPLIED,
        title=lambda row: f"Sponsorship #{row.id}, applied {row.applied_on:%Y-%m-%d}",
    )
)
