"""PSF elections at ``/nominations/``: election kinds, elections, nominees and nominations."""

from pydotorg.db.models import Election, ElectionKind, Nomination
from pydotorg.domain.nominations import admin  # noqa: F401  (register the admin)
from pydotorg.domain.nominations.controllers import (
    NominationsController,
    NominationWriteController,
    UserNominationsController,
)
from pydotorg.domain.nominations.django import DJANGO_TABLES
from pydotorg.web.changes import invalidates
from pydotorg.web.live import ModerationQueue, moderation_queue
from pydotorg.web.section import Section

SECTION = Section(
    name="nominations",
    pages=[NominationsController, NominationWriteController, UserNominationsController],
    django_tables=DJANGO_TABLES,
)

# The election list and pages are kept in the shared cache; nominee and nomination pages never are (they depend on
# the viewer, and the nominees list is drawn in a new order for every request).
invalidates(Election, keys=["nominations"], urls=lambda e: ["/nominations/elections/", e.absolute_url])
invalidates(ElectionKind, keys=["nominations"], urls=["/nominations/elections/", "/nominations/accents.css"])

moderation_queue(
    ModerationQueue(
        name="nominations",
        label="Nominations awaiting approval",
        admin_key="nominations.nomination",
        model=Nomination,
        pending=lambda: Nomination.approved.is_(False),
        title=lambda row: row.name or f"Nomination #{row.id}",
    )
)
