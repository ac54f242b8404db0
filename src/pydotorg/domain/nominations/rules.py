"""Who may see and change what in an election (Django's ``visible`` and ``editable``), as functions of the viewer
and the moment, so that pages, the admin and the tests ask the same questions."""

from __future__ import annotations

import datetime
from typing import Protocol

from pydotorg.db.models import Election, Nomination, Nominee


class Viewer(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def is_staff(self) -> bool: ...

    @property
    def is_superuser(self) -> bool: ...


def nominee_visible(nominee: Nominee, election: Election, viewer: Viewer | None, now: datetime.datetime) -> bool:
    """Public once accepted, approved and nominations are no longer open; before that only staff and the nominee."""
    if nominee.accepted and nominee.approved and not election.nominations_open(now):
        return True
    if viewer is None:
        return False
    return viewer.is_staff or viewer.is_superuser or viewer.id == nominee.user_id


def nomination_visible(
    nomination: Nomination, nominee_user_id: int | None, election: Election, viewer: Viewer | None
) -> bool:
    """Public when accepted, approved and the election has no nomination window (Django's rule); otherwise staff,
    the nominator and the nominee."""
    if nomination.accepted and nomination.approved and election.nominations_open_at is None:
        return True
    if viewer is None:
        return False
    return (
        viewer.is_staff
        or viewer.is_superuser
        or viewer.id == nomination.nominator_id
        or (nominee_user_id is not None and viewer.id == nominee_user_id)
    )


def nomination_editable(
    nomination: Nomination,
    nominee_user_id: int | None,
    election: Election,
    viewer: Viewer | None,
    now: datetime.datetime,
) -> bool:
    """While nominations are open: the nominee always, the nominator until the nomination is accepted or approved."""
    if viewer is None or not election.nominations_open(now):
        return False
    if nominee_user_id is not None and viewer.id == nominee_user_id:
        return True
    return viewer.id == nomination.nominator_id and not (nomination.accepted or nomination.approved)


def nominees_public(election: Election, viewer: Viewer | None, now: datetime.datetime) -> bool:
    """The nominees list shows the approved, accepted nominees once nominations closed (superusers: always)."""
    return election.nominations_complete(now) or bool(viewer is not None and viewer.is_superuser)
