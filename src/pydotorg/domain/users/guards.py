"""Route guards: login, staff, superuser, group and permission.

Failing the login guard raises 401, which HTML pages turn into a redirect to the login form (with a safe
``next``); failing any other guard raises 403. Every route that changes state must carry one of these, or be
marked as deliberately public with :func:`public_write` (see ``pydotorg.server.security``).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import MethodNotAllowedException, NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from pydotorg.domain.users.auth import CurrentUser, current_user, groups_of, has_perm

#: Django's job-board moderators.
JOB_BOARD_ADMIN_GROUP = "Job Board Admin"
PUBLIC_WRITE_KEY = "public_write"


def public_write(reason: str) -> dict[str, Any]:
    """Route ``opt`` for a write route that anyone may call on purpose (login, sign-up, password reset, ...)."""
    return {PUBLIC_WRITE_KEY: reason}


def _logged_in(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser:
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException("Please sign in to see this page.")
    return user


def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    _logged_in(connection)


def requires_staff(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    user = _logged_in(connection)
    if not (user.is_active and user.is_staff):
        raise PermissionDeniedException("This page is for python.org staff.")


def requires_superuser(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    user = _logged_in(connection)
    if not (user.is_active and user.is_superuser):
        raise PermissionDeniedException("This page is for superusers.")


def requires_group(*names: str, staff_allowed: bool = False) -> Guard:
    """Superusers, members of one of ``names`` (and staff when ``staff_allowed``) pass."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = _logged_in(connection)
        if user.is_superuser or (staff_allowed and user.is_staff):
            return
        if not set(names) & await groups_of(connection, user):
            raise PermissionDeniedException("You are not allowed to see this page.")

    guard.__name__ = f"requires_group({', '.join(names)})"
    return guard


def requires_permission(perm: str, *, staff_allowed: bool = False) -> Guard:
    """Users with the ``app_label.codename`` permission (directly or through a group) pass."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = _logged_in(connection)
        if staff_allowed and user.is_staff:
            return
        if not await has_perm(connection, user, perm):
            raise PermissionDeniedException(f"You need the {perm!r} permission.")

    guard.__name__ = f"requires_permission({perm})"
    return guard


def post_only(*methods: str) -> MethodNotAllowedException:
    """What a signed-in GET on a POST-only address gets: 405 with ``Allow``. Django's views there are behind
    ``login_required``, so an anonymous GET is sent to the login form first — give those GET handlers
    ``guards=[requires_login]`` and raise this in the body."""
    allowed = ", ".join(methods or ("POST",))
    return MethodNotAllowedException(f"This address only accepts {allowed}.", headers={"Allow": allowed})
