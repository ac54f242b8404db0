"""Errors of the site's rules, without HTTP in them: services raise these, and the app maps each kind to a status
code in one place (``server/errors.py``), so the same rule answers alike in a page, the admin, an API, the CLI
and a job (which report the message instead)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the operation; ``message`` says why, in words for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    """What the operation is about does not exist (or may not be seen by the one asking)."""


class ConflictError(DomainError):
    """The object is in a state that does not allow the operation (a moderation step from the wrong status)."""


class InvalidError(DomainError):
    """The request itself is not acceptable (an unknown action, a malformed value)."""


class ForbiddenError(DomainError):
    """The one asking may not do this."""
