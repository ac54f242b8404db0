"""``pydotorg export-django TARGET_URL``: write what changed here back into python.org's Django database.

The rollback path of the cutover: after traffic moved to this site, users signed up, release managers published,
staff edited pages and jobs. Going back to Django must not lose that, so this command copies the rows of the
tables both sites share (the ones the import maps column for column) into the Django database:

* rows created or changed here since ``--since`` (tables with a change column; the rest are compared in full)
  are inserted or updated in place, with the same ids;
* rows deleted here are deleted there, children first;
* Django's id sequences move past the highest id, and Django's foreign keys are checked before the commit.

Everything happens in one transaction on the Django side: a failure leaves the Django database as it was.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import asyncpg
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pydotorg.db.django import DjangoTable
from pydotorg.server.django_import import (
    ImportProblem,
    check_django_schema,
    ident,
    normalise,
    order_tables,
    postgres_dsn,
    redact,
)

#: The tables written back (the shared content the issue's rollback must keep); configuration edited only in the
#: admin (permissions, flags, menus, redirects, history) stays as Django had it.
EXPORTED: frozenset[str] = frozenset(
    {
        "users_user",
        "users_user_groups",
        "account_emailaddress",
        "account_emailconfirmation",
        "users_membership",
        "tastypie_apikey",
        "authtoken_token",
        "downloads_os",
        "downloads_release",
        "downloads_releasefile",
        "jobs_jobtype",
        "jobs_jobcategory",
        "jobs_job",
        "jobs_job_job_types",
        "jobs_jobreviewcomment",
        "events_calendar",
        "events_eventcategory",
        "events_eventlocation",
        "events_event",
        "events_event_categories",
        "events_occurringrule",
        "events_recurringrule",
        "events_alarm",
        "pages_page",
        "boxes_box",
        "companies_company",
        "minutes_minutes",
        "codesamples_codesample",
        "community_post",
        "community_link",
        "community_photo",
        "community_video",
        "work_groups_workgroup",
        "work_groups_workgroup_members",
        "work_groups_workgroup_organizers",
        "successstories_storycategory",
        "successstories_story",
        "nominations_electionkind",
        "nominations_election",
        "nominations_nominee",
        "nominations_nomination",
    }
)
BATCH = 500


@dataclass
class ExportTableReport:
    table: str
    considered: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted


@dataclass
class ExportReport:
    target: str
    since: str | None
    dry_run: bool
    tables: list[ExportTableReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changed": self.changed}


class DjangoExporter:
    def __init__(
        self,
        target_url: str,
        engine: AsyncEngine,
        *,
        mappings: Sequence[DjangoTable],
        since: datetime.datetime | None = None,
        dry_run: bool = False,
    ) -> None:
        self.target_url = target_url
        self.engine = engine
        self.mappings = [m for m in order_tables(mappings) if m.source in EXPORTED]
        self.since = since
        self.dry_run = dry_run

    async def run(self) -> ExportReport:
        started = time.perf_counter()
        report = ExportReport(
            target=redact(self.target_url), since=self.since.isoformat() if self.since else None, dry_run=self.dry_run
        )
        try:
            django = await asyncpg.connect(postgres_dsn(self.target_url), timeout=10)
        except ImportProblem:
            raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError, ValueError) as exc:
            raise ImportProblem(f"cannot connect to {redact(self.target_url)}: {type(exc).__name__}: {exc}") from exc
        try:
            await check_django_schema(django, self.target_url, [m.source for m in self.mappings])
            async with django.transaction():
                await django.execute("SET CONSTRAINTS ALL DEFERRED")
                ours = {m.source: await self._our_ids(m) for m in self.mappings}
                reports = {m.source: ExportTableReport(table=m.source) for m in self.mappings}
                report.tables.extend(reports.values())
                for mapping in reversed(self.mappings):  # children first
                    await self._delete_missing(django, mapping, ours[mapping.source], reports[mapping.source])
                for mapping in self.mappings:
                    await self._upsert(django, mapping, reports[mapping.source])
                await self._move_sequences(django)
                try:
                    await django.execute("SET CONSTRAINTS ALL IMMEDIATE")  # Django's foreign keys, checked now
                except asyncpg.PostgresError as exc:
                    raise ImportProblem(f"the Django database would be inconsistent, nothing written: {exc}") from exc
                if self.dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        finally:
            await django.close()
        argon2 = await self._argon2_users()
        if argon2:
            report.notes.append(
                f"{argon2} users have Argon2 password hashes (set at their sign-in here): Django verifies them with "
                "its Argon2PasswordHasher, which needs argon2-cffi installed on the Django side."
            )
        report.seconds = round(time.perf_counter() - started, 2)
        return report

    async def _our_ids(self, mapping: DjangoTable) -> set[Any]:
        column = mapping.target.c.user_id if mapping.source == "authtoken_token" else mapping.target.c.id
        async with self.engine.connect() as conn:
            return set((await conn.execute(select(column))).scalars())

    async def _our_rows(self, mapping: DjangoTable) -> list[dict[str, Any]]:
        table: Table = mapping.target
        query = select(table)
        if self.since is not None and mapping.changed_column and mapping.changed_column in table.c:
            query = query.where(table.c[mapping.changed_column] >= self.since)
        async with self.engine.connect() as conn:
            return [dict(row) for row in (await conn.execute(query)).mappings()]

    async def _django_columns(self, django: asyncpg.Connection, table: str) -> list[str]:
        rows = await django.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 "
            "ORDER BY ordinal_position",
            table,
        )
        return [row[0] for row in rows]

    async def _delete_missing(
        self, django: asyncpg.Connection, mapping: DjangoTable, ours: set[Any], report: ExportTableReport
    ) -> None:
        key = "user_id" if mapping.source == "authtoken_token" else "id"
        theirs = {row[0] for row in await django.fetch(f"SELECT {ident(key)} FROM {ident(mapping.source)}")}  # noqa: S608  (identifiers checked by ident())
        gone = sorted(theirs - ours)
        report.deleted = len(gone)
        if gone:
            await django.execute(f"DELETE FROM {ident(mapping.source)} WHERE {ident(key)} = ANY($1)", gone)  # noqa: S608  (identifiers checked by ident())

    async def _upsert(self, django: asyncpg.Connection, mapping: DjangoTable, report: ExportTableReport) -> None:
        columns = await self._django_columns(django, mapping.source)
        rows = await self._our_rows(mapping)
        report.considered = len(rows)
        if not rows:
            return
        if mapping.source == "authtoken_token":
            shared, key = ["key", "created", "user_id"], "user_id"
        else:
            shared, key = [c for c in columns if c in mapping.target.c], "id"
        quoted = ", ".join(ident(c) for c in shared)
        existing: dict[Any, tuple[Any, ...]] = {}
        ids = [row[key] for row in rows]
        for start in range(0, len(ids), BATCH):
            found = await django.fetch(
                f"SELECT {quoted} FROM {ident(mapping.source)} WHERE {ident(key)} = ANY($1)",  # noqa: S608  (identifiers checked by ident())
                ids[start : start + BATCH],
            )
            for row in found:
                existing[row[key]] = tuple(normalise(row[c]) for c in shared)
        changed = [row for row in rows if existing.get(row[key]) != tuple(normalise(row[c]) for c in shared)]
        report.inserted = sum(1 for row in changed if row[key] not in existing)
        report.updated = len(changed) - report.inserted
        report.unchanged = len(rows) - len(changed)
        if not changed:
            return
        placeholders = ", ".join(f"${i}" for i in range(1, len(shared) + 1))
        assignments = ", ".join(f"{ident(c)} = EXCLUDED.{ident(c)}" for c in shared if c != key)
        statement = (
            f"INSERT INTO {ident(mapping.source)} ({quoted}) VALUES ({placeholders}) "  # noqa: S608  (identifiers checked by ident())
            f"ON CONFLICT ({ident(key)}) DO UPDATE SET {assignments}"
        )
        await django.executemany(statement, [tuple(_to_driver(row[c]) for c in shared) for row in changed])

    async def _move_sequences(self, django: asyncpg.Connection) -> None:
        for mapping in self.mappings:
            if mapping.source_key != "id":
                continue  # DRF's token is keyed by its key
            sequence = await django.fetchval("SELECT pg_get_serial_sequence($1, 'id')", mapping.source)
            if sequence:
                highest = await django.fetchval(f"SELECT COALESCE(max(id), 0) FROM {ident(mapping.source)}")  # noqa: S608  (identifiers checked by ident())
                await django.execute("SELECT setval($1, GREATEST($2::bigint, 1))", sequence, highest)

    async def _argon2_users(self) -> int:
        users = next(m.target for m in self.mappings if m.source == "users_user")
        async with self.engine.connect() as conn:
            hashes = (await conn.execute(select(users.c.password))).scalars()
            return sum(1 for h in hashes if str(h).startswith("argon2$"))


def _to_driver(value: Any) -> Any:
    """JSON columns (a community post's ``meta``) go to asyncpg as text."""
    return json.dumps(value) if isinstance(value, dict | list) else value


class _DryRun(Exception):
    pass
