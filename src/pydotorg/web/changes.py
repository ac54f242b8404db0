"""One way a change leaves the database: its side effects go out when the transaction commits, and the caches it
makes stale are invalidated, whoever made it (a page, the admin, an API, a job, the importer, the CLI).

* :func:`after_commit` asks for a background job that must follow the change (a mail, a regenerated box). The
  request waits on the session. The session's commit hands it to the job queue; a rollback drops it, so no mail
  is ever sent for a change that did not happen.
* :func:`invalidates` declares, once per model, which CDN surrogate keys and URLs a change to one of its rows
  makes stale, and whether the site content (boxes, menu, banners) changes with it. A listener on every flush
  collects them. On commit the origin response cache is cleared and the site content reloaded at once, in every
  process (both live in the shared store), and the CDN purge is queued as the ``purge_cdn`` job (retried).

Sessions learn where their side effects go from :class:`Changes`, which the app puts in every session's
``info`` (see ``server/database.py``). A session without it (migrations, a test's own engine) records nothing,
and asking it for a job is an error rather than a silent loss.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from litestar.stores.registry import StoreRegistry
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.util import await_only

from pydotorg.db.models.users import Group, User
from pydotorg.lib.jobs import CoreJob, JobContext, JobQueue, job
from pydotorg.lib.mail import send_mail_arguments
from pydotorg.lib.purge import PurgeClient
from pydotorg.web.cache import clear_response_cache
from pydotorg.web.live import LiveHub, queues_moved_by
from pydotorg.web.site_content import STORE_NAME as SITE_CONTENT_STORE
from pydotorg.web.site_content import bump_version

logger = logging.getLogger(__name__)

#: ``Session.info`` keys: the process's :class:`Changes`, and what the current transaction has asked for.
INFO_KEY = "pydotorg.changes"
PENDING_KEY = "pydotorg.pending"


@dataclass
class Changes:
    """Where the sessions of one process release their side effects: the job queue and the shared stores."""

    stores: StoreRegistry
    jobs: JobQueue | None = None
    #: the staff admin's live updates (moderation queues, access changes); None where nobody listens
    live: LiveHub | None = None


@dataclass
class Pending:
    jobs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    site_content: bool = False
    #: moderation queues moved, and users whose access changed (0: every user's, after a group change)
    queues: set[str] = field(default_factory=set)
    users: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.jobs or self.keys or self.urls or self.site_content or self.queues or self.users)


@dataclass(frozen=True)
class CachePolicy:
    keys: Callable[[Any], Iterable[str]]
    urls: Callable[[Any], Iterable[str]]
    site_content: bool = False


POLICIES: dict[type[Any], CachePolicy] = {}


def invalidates(
    model: type[Any],
    *,
    keys: Iterable[str] | Callable[[Any], Iterable[str]] = (),
    urls: Iterable[str] | Callable[[Any], Iterable[str]] = (),
    site_content: bool = False,
) -> None:
    """Declare what a change to a row of ``model`` makes stale (fixed lists, or functions of the row)."""
    fixed_keys, fixed_urls = (list(keys) if not callable(keys) else None), (list(urls) if not callable(urls) else None)
    POLICIES[model] = CachePolicy(
        keys=keys if callable(keys) else (lambda _row: fixed_keys or []),
        urls=urls if callable(urls) else (lambda _row: fixed_urls or []),
        site_content=site_content,
    )


def _sync(session: AsyncSession | Session) -> Session:
    return session.sync_session if isinstance(session, AsyncSession) else session


def pending(session: AsyncSession | Session) -> Pending:
    """What the session's current transaction will release when it commits."""
    info = _sync(session).info
    found = info.get(PENDING_KEY)
    if found is None:
        found = info[PENDING_KEY] = Pending()
    return found


def after_commit(session: AsyncSession | Session, name: str, **kwargs: Any) -> None:
    """Queue the job ``name`` once this session's transaction commits (never if it rolls back)."""
    if INFO_KEY not in _sync(session).info:
        raise RuntimeError(f"job {name!r} asked of a session that cannot deliver it (no Changes in its info)")
    pending(session).jobs.append((name, kwargs))


def stale(
    session: AsyncSession | Session, *, keys: Iterable[str] = (), urls: Iterable[str] = (), site_content: bool = False
) -> None:
    """Mark keys and URLs stale by hand, for changes the flush listener cannot see (bulk UPDATE and DELETE)."""
    found = pending(session)
    found.keys.update(keys)
    found.urls.update(urls)
    found.site_content |= site_content


def mail_after_commit(session: AsyncSession | Session, template: str, to: list[str] | str, **options: Any) -> None:
    """Render ``mail/<template>.txt`` now and send it (the ``send_mail`` job) once the transaction commits."""
    after_commit(session, CoreJob.SEND_MAIL, **send_mail_arguments(template, to, **options))


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _flush: UOWTransaction) -> None:
    if INFO_KEY not in session.info:
        return
    rows = list(chain(session.new, session.dirty, session.deleted))
    moved = queues_moved_by(rows)
    access = _access_changes(rows)
    if moved or access:
        found = pending(session)
        found.queues |= moved
        found.users |= access
    for row in rows:
        policy = POLICIES.get(type(row))
        if policy is None:
            continue
        found = pending(session)
        found.keys.update(policy.keys(row))
        found.urls.update(policy.urls(row))
        found.site_content |= policy.site_content


@event.listens_for(Session, "after_commit")
def _release(session: Session) -> None:
    found: Pending | None = session.info.pop(PENDING_KEY, None)
    changes: Changes | None = session.info.get(INFO_KEY)
    if not found or changes is None:
        return
    # Runs inside the commit of an AsyncSession (its greenlet): await_only waits for each step on the event loop.
    if found.site_content:
        await_only(bump_version(changes.stores.get(SITE_CONTENT_STORE)))
    if found.keys or found.urls or found.site_content:
        await_only(clear_response_cache(changes.stores))
    if changes.jobs is None:
        raise RuntimeError("the app's job queue is not set up: side effects after commit would be lost")
    for name, kwargs in found.jobs:
        await_only(changes.jobs.enqueue(name, **kwargs))
    if found.keys or found.urls:
        await_only(changes.jobs.enqueue(CoreJob.PURGE_CDN, keys=sorted(found.keys), urls=sorted(found.urls)))
    if changes.live is not None and (found.queues or found.users):
        await_only(changes.live.announce(queues=found.queues, users=found.users))


def _access_changes(rows: list[Any]) -> set[int]:
    """Users whose staff access may have changed: a user row (flags, groups, permissions), or everyone (0) when
    a group's permissions did."""
    found = {row.id for row in rows if isinstance(row, User) and row.id is not None}
    if any(isinstance(row, Group) for row in rows):
        found.add(0)
    return found


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    dropped: Pending | None = session.info.pop(PENDING_KEY, None)
    if dropped:
        logger.debug("rolled back: dropped %d jobs and %d purges", len(dropped.jobs), len(dropped.keys | dropped.urls))


@job(CoreJob.PURGE_CDN)
async def purge_cdn(ctx: JobContext, *, keys: list[str] | None = None, urls: list[str] | None = None) -> list[str]:
    """Purge surrogate keys and URLs at the CDN (a no-op unless Fastly is configured; failures are retried)."""
    client = PurgeClient(ctx.settings)
    for key in keys or []:
        await client.purge_surrogate_key(key)
    for url in urls or []:
        await client.purge_url(url)
    return client.purged
