"""``pydotorg import-django SOURCE_URL``: copy python.org's Django database into ours, verifiably and repeatably.

The source is read over a read-only PostgreSQL connection and never written. Every section declares how its
tables map (``domain/<section>/django.py``); this module orders them by their foreign keys and, per table:

1. reads the Django rows (only those changed since ``--since`` where the table has a change column) and maps
   them to our columns; a row that cannot be stored (too long, a missing parent, a NUL byte) is reported with
   its table and id and the rest goes on;
2. re-renders markup with our sanitiser and reports rows whose visible text or links differ from Django's;
3. compares with what our database holds and inserts, updates or deletes only the difference, one transaction
   per table: a second run changes nothing, an interrupted run is simply run again;
4. verifies: row counts, a checksum of the copied columns on both sides, orphaned foreign keys.

Afterwards id sequences move past the imported ids (PostgreSQL), media files are copied from ``--media-root``
and checked by size, and every cache is cleared. The report lists every Django table: imported, or why not.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import html
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
from sqlalchemy import Table, delete, func, insert, inspect, select, text, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql.expression import bindparam

from pydotorg.db.base import Base, MarkupSpec, utcnow
from pydotorg.db.django import DjangoTable, Row, SkipRow
from pydotorg.db.models import ImportRun
from pydotorg.lib import markup
from pydotorg.settings import Settings
from pydotorg.web.media import MediaStorage

BATCH = 500
#: Django tables read but not copied, and why.
DJANGO_INTERNAL: dict[str, str] = {
    "django_content_type": "Django's content types: mapped into permissions and admin history as app_label.model",
    "django_migrations": "Django's migration state: checked before importing, not copied",
    "django_session": "sessions are signed with Django's secret key: users sign in again after the switch",
    "django_site": "a single site: its address is PYDOTORG_SITE_URL",
    "django_cache_table": "Django's cache: rebuilt on demand",
    "thumbnail_kvstore": "sorl-thumbnail's cache: rebuilt on demand",
    "admin_interface_theme": "the Django admin's theme: our admin has its own",
    "tastypie_apiaccess": "tastypie's request log: not used",
    "waffle_sample": "django-waffle samples: python.org uses flags only",
    "waffle_switch": "django-waffle switches: python.org uses flags only",
    "waffle_flag_groups": "per-group flag targeting: python.org's flags target everyone, staff or superusers",
    "waffle_flag_users": "per-user flag targeting: python.org's flags target everyone, staff or superusers",
    "sitetree_treeitem_access_permissions": "menu items restricted by permission: python.org's menu has none",
}
DJANGO_INTERNAL_PREFIXES: dict[str, str] = {
    "django_celery_beat_": "Celery beat schedules: periodic jobs are scheduled from settings (SAQ cron)",
}
#: Tables of sections this site does not have yet: reported, so nobody mistakes them for imported.
NOT_BUILT_PREFIXES: dict[str, str] = {}
#: The newest Django migration this importer knows, per app it reads: a newer source may have columns it
#: does not know about, so it refuses rather than guess.
KNOWN_MIGRATIONS: dict[str, int] = {
    "account": 9,
    "admin": 3,
    "auth": 12,
    "authtoken": 4,
    "banners": 1,
    "blogs": 4,
    "boxes": 4,
    "codesamples": 4,
    "community": 5,
    "companies": 5,
    "contenttypes": 2,
    "downloads": 15,
    "events": 8,
    "jobs": 22,
    "minutes": 3,
    "nominations": 4,
    "pages": 4,
    "redirects": 2,
    "sitetree": 2,
    "sponsors": 104,
    "successstories": 12,
    "tastypie": 2,
    "users": 17,
    "waffle": 4,
    "work_groups": 5,
}


class ImportProblem(Exception):
    """The source or the target cannot be used; nothing was written."""


# -- the report ---------------------------------------------------------------------------------------------------
@dataclass
class TableReport:
    source: str
    target: str
    source_rows: int = 0
    read: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[tuple[Any, str]] = field(default_factory=list)
    markup_differs: list[Any] = field(default_factory=list)
    source_checksum: str = ""
    target_checksum: str = ""
    target_rows: int = 0
    orphans: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated + self.deleted

    @property
    def ok(self) -> bool:
        checksums = not self.source_checksum or self.source_checksum == self.target_checksum
        return not self.skipped and not self.orphans and checksums


@dataclass
class ImportReport:
    source: str
    mode: str
    started: str
    tables: list[TableReport] = field(default_factory=list)
    not_imported: list[tuple[str, int, str]] = field(default_factory=list)
    media_copied: int = 0
    media_missing: list[str] = field(default_factory=list)
    #: Files rows name, not copied because no ``--media-root`` was given (production's media storage, such as
    #: the S3 bucket Django wrote to, already holds them at the same paths): listed, not a failure.
    media_not_copied: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return sum(t.changed for t in self.tables)

    @property
    def ok(self) -> bool:
        unknown = any(reason.startswith("unknown") and rows for _, rows, reason in self.not_imported)
        return all(t.ok for t in self.tables) and not self.media_missing and not unknown

    def to_json(self) -> str:
        data = asdict(self)
        data["ok"] = self.ok
        data["changed"] = self.changed
        return json.dumps(data, indent=2, default=str)


# -- values -------------------------------------------------------------------------------------------------------
def normalise(value: Any) -> Any:
    """A comparable form of a column value, the same whichever database or driver produced it."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


_TAG = re.compile(r"<[^>]*>")
_HREF = re.compile(r"""(?:href|src)\s*=\s*["']([^"']*)["']""")
_SPACE = re.compile(r"\s+")


def _visible(rendered: str) -> tuple[str, frozenset[str]]:
    """What a reader gets from rendered HTML: its text and the links and images it points at."""
    words = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rendered or ""))).strip()
    return words, frozenset(html.unescape(h) for h in _HREF.findall(rendered or ""))


def differs_materially(ours: str, django: str) -> bool:
    return _visible(ours) != _visible(django)


_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """A quoted SQL identifier; only plain lower-case names (Django's and ours) are accepted."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain table or column name: {name!r}")
    return f'"{name}"'


def redact(url: str) -> str:
    """``host:port/dbname`` of a database URL: what the report and errors show (never the credentials)."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}{parts.path or '/'}"


def postgres_dsn(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme not in {"postgres", "postgresql"}:
        raise ImportProblem(f"the source must be a PostgreSQL URL (postgresql://...), not {parts.scheme or url!r}")
    return url.replace(parts.scheme + "://", "postgresql://", 1)


# -- the plan -----------------------------------------------------------------------------------------------------
def order_tables(mappings: Sequence[DjangoTable]) -> list[DjangoTable]:
    """Parents before children, by our foreign keys (the metadata's dependency order)."""
    rank = {table.name: i for i, table in enumerate(Base.metadata.sorted_tables)}
    names = [m.name for m in mappings]
    if len(set(names)) != len(names):
        raise ValueError("a table is mapped twice: " + ", ".join(sorted({n for n in names if names.count(n) > 1})))
    return sorted(mappings, key=lambda m: rank[m.name])


def _markup_specs() -> dict[str, dict[str, MarkupSpec]]:
    return {
        str(getattr(mapper.local_table, "name", "")): spec
        for mapper in Base.registry.mappers
        if (spec := getattr(mapper.class_, "__markup__", None))
    }


def _rendered_columns(spec: dict[str, MarkupSpec]) -> set[str]:
    return {f"_{name}_rendered" for name in spec}


def classify(table: str, mapped: set[str]) -> str | None:
    """Why a Django table is not imported (None: it is)."""
    if table in mapped:
        return None
    if table in DJANGO_INTERNAL:
        return DJANGO_INTERNAL[table]
    for prefixes in (DJANGO_INTERNAL_PREFIXES, NOT_BUILT_PREFIXES):
        for prefix, reason in prefixes.items():
            if table.startswith(prefix):
                return reason
    return "unknown to this importer: not imported"


async def check_django_schema(conn: asyncpg.Connection, url: str, required: Sequence[str]) -> set[str]:
    """The Django database's tables, once it is known to be one this code understands: it has Django's
    migration table, every ``required`` table, and no migration newer than :data:`KNOWN_MIGRATIONS`."""
    rows = await conn.fetch(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r'"
    )
    tables = {row["relname"] for row in rows}
    if "django_migrations" not in tables:
        raise ImportProblem(f"{redact(url)} is not a Django database: it has no django_migrations")
    missing = sorted(set(required) - tables)
    if missing:
        raise ImportProblem(f"{redact(url)} lacks Django tables this code needs: {missing}")
    newest: dict[str, tuple[int, str]] = {}
    for row in await conn.fetch("SELECT app, name FROM django_migrations"):
        number = int(row["name"][:4]) if row["name"][:4].isdigit() else 0
        newest[row["app"]] = max(newest.get(row["app"], (0, "")), (number, row["name"]))
    newer = [
        f"{app} {name} (this code knows up to {KNOWN_MIGRATIONS[app]:04d})"
        for app, (number, name) in sorted(newest.items())
        if app in KNOWN_MIGRATIONS and number > KNOWN_MIGRATIONS[app]
    ]
    if newer:
        raise ImportProblem("the Django database has newer migrations than this code knows: " + "; ".join(newer))
    return tables


# -- the importer -------------------------------------------------------------------------------------------------
@dataclass
class Options:
    since: datetime.datetime | None = None
    dry_run: bool = False
    replace: bool = False
    media_root: Path | None = None


ProgressHook = Callable[[str, int, int], None]


class DjangoImporter:
    def __init__(
        self,
        source_url: str,
        engine: AsyncEngine,
        *,
        settings: Settings,
        mappings: Sequence[DjangoTable],
        options: Options,
        progress: ProgressHook | None = None,
    ) -> None:
        self.source_url = source_url
        self.engine = engine
        self.settings = settings
        self.mappings = order_tables(mappings)
        self.options = options
        self.progress = progress or (lambda _table, _done, _total: None)
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.markup = _markup_specs()
        self.known_ids: dict[str, set[Any]] = {}
        self.media_paths: dict[tuple[str, str], list[str]] = {}

    async def run(self) -> ImportReport:
        started = time.perf_counter()
        mode = "dry-run" if self.options.dry_run else ("since" if self.options.since else "full")
        report = ImportReport(source=redact(self.source_url), mode=mode, started=utcnow().isoformat())
        try:
            source = await asyncpg.connect(
                postgres_dsn(self.source_url), timeout=10, server_settings={"default_transaction_read_only": "on"}
            )
        except ImportProblem:
            raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError, ValueError) as exc:
            raise ImportProblem(f"cannot connect to {redact(self.source_url)}: {type(exc).__name__}: {exc}") from exc
        try:
            counts = await self._check_source(source)
            await self._check_target()
            run_id = 0
            if not self.options.dry_run:
                if self.options.replace:
                    await self._clear_target()
                run_id = await self._start_run(report)
            mapped = {m.source for m in self.mappings}
            for table, rows in sorted(counts.items()):
                reason = classify(table, mapped)
                if reason is not None:
                    report.not_imported.append((table, rows, reason))
            await self._load_known_ids()
            source_ids = {m.name: await self._source_ids(source, m) for m in self.mappings}
            reports = {
                m.name: TableReport(source=m.source, target=m.name, source_rows=counts.get(m.source, 0))
                for m in self.mappings
            }
            report.tables.extend(reports.values())
            for mapping in reversed(self.mappings):  # children first: rows Django no longer has
                await self._delete_missing(mapping, source_ids[mapping.name], reports[mapping.name])
            for mapping in self.mappings:
                await self._import_table(source, mapping, reports[mapping.name])
            if not self.options.dry_run:
                await self._move_sequences()
                await self._copy_media(report)
        finally:
            await source.close()
        report.notes.append(
            "Django's sessions are not portable (signed with Django's secret key): every user signs in again; "
            "passwords are kept as Django's hashes and upgraded to Argon2 at each user's first sign-in."
        )
        report.seconds = round(time.perf_counter() - started, 2)
        if not self.options.dry_run:
            await self._finish_run(run_id, report)
        return report

    # -- checks -------------------------------------------------------------------------------------------------
    async def _check_source(self, source: asyncpg.Connection) -> dict[str, int]:
        tables = await check_django_schema(source, self.source_url, [m.source for m in self.mappings])
        count = "SELECT count(*) FROM {}"
        return {table: int(await source.fetchval(count.format(ident(table)))) for table in sorted(tables)}

    async def _check_target(self) -> None:
        async with self.engine.connect() as conn:
            names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
            if ImportRun.__tablename__ not in names:
                raise ImportProblem("the target database is not migrated: run `pydotorg database upgrade` first")
            runs = (await conn.execute(select(func.count()).select_from(ImportRun))).scalar_one()
            if runs or self.options.replace:
                return
            held = []
            for mapping in self.mappings:
                count = (await conn.execute(select(func.count()).select_from(mapping.target))).scalar_one()
                if count:
                    held.append(f"{mapping.name} ({count})")
        if held:
            raise ImportProblem(
                "the target database already holds data that did not come from Django: "
                + ", ".join(held[:6])
                + (", ..." if len(held) > 6 else "")
                + "; pass --replace to replace it"
            )

    async def _clear_target(self) -> None:
        """``--replace``: empty every table of ours, children first (the target becomes Django's copy)."""
        async with self.sessions() as session:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name != ImportRun.__tablename__:
                    await session.execute(delete(table))
            await session.commit()

    async def _load_known_ids(self) -> None:
        async with self.engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                if "id" in table.c:
                    self.known_ids[table.name] = set((await conn.execute(select(table.c.id))).scalars())

    # -- reading ------------------------------------------------------------------------------------------------
    async def _source_ids(self, source: asyncpg.Connection, mapping: DjangoTable) -> set[Any]:
        query = f"SELECT {ident(mapping.source_key)} FROM {ident(mapping.source)}"  # noqa: S608  (identifiers checked by ident())
        return {row[0] for row in await source.fetch(query)}

    def _query(self, mapping: DjangoTable, columns: set[str]) -> tuple[str, list[Any]]:
        if mapping.select:
            query = f"SELECT * FROM ({mapping.select}) AS source"  # noqa: S608  (identifiers checked by ident())
            change = f"source.{ident(mapping.changed_column)}" if mapping.changed_column else None
        else:
            wanted = []
            for column in mapping.target.c:
                name = mapping.rename.get(column.name, column.name)
                if name in columns:
                    wanted.append(f"{ident(name)} AS {ident(column.name)}")
            query = "SELECT {} FROM {} AS source".format(", ".join(wanted), ident(mapping.source))  # noqa: S608  (identifiers checked by ident())
            change = f"source.{ident(mapping.changed_column)}" if mapping.changed_column else None
        if self.options.since and mapping.changed_column and change:
            return f"{query} WHERE {change} >= $1 ORDER BY 1", [self.options.since]
        return f"{query} ORDER BY 1", []

    async def _source_columns(self, source: asyncpg.Connection, table: str) -> set[str]:
        rows = await source.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
            table,
        )
        return {row["column_name"] for row in rows}

    # -- mapping and checking one row ----------------------------------------------------------------------------
    async def _stored(self, mapping: DjangoTable, ids: list[Any]) -> dict[Any, Row]:
        """Our rows with these ids, as they are now."""
        table = mapping.target
        found: dict[Any, Row] = {}
        async with self.engine.connect() as conn:
            for start in range(0, len(ids), BATCH):
                result = await conn.execute(select(table).where(table.c.id.in_(ids[start : start + BATCH])))
                found.update((row["id"], dict(row)) for row in result.mappings())
        return found

    def _map(self, mapping: DjangoTable, raw: Row, report: TableReport, stored: Row | None = None) -> Row:
        row = {**mapping.defaults, **raw}
        if mapping.transform is not None:
            row = mapping.transform(row)
        table = mapping.target
        unknown = set(row) - set(table.c.keys())
        for name in unknown:
            row.pop(name)
        for column in table.c:
            value = row.get(column.name)
            if value is None:
                if column.name not in row and (column.default is not None or column.server_default is not None):
                    continue
                required = not column.nullable and not column.primary_key
                if required and column.default is None and column.server_default is None:
                    raise SkipRow(f"{column.name} is empty, and it is required")
                continue
            if isinstance(value, str):
                if "\x00" in value:
                    raise SkipRow(f"{column.name} contains a NUL character")
                length = getattr(column.type, "length", None)
                if length and len(value) > length:
                    raise SkipRow(f"{column.name} is {len(value)} characters, longer than its {length}")
            for fk in column.foreign_keys:
                parent = fk.column.table.name
                if parent == table.name:
                    continue  # checked against this table's own rows below
                if value not in self.known_ids.get(parent, set()):
                    raise SkipRow(f"{column.name} references {parent} {value}, which is not here")
        spec = self.markup.get(table.name)
        if spec:
            for name, options in spec.items():
                rendered_name = f"_{name}_rendered"
                theirs = row.get(rendered_name) or ""
                type_name = f"{name}_markup_type"
                if stored is not None and (stored.get(name), stored.get(type_name)) == (
                    row.get(name),
                    row.get(type_name),
                ):
                    ours = stored.get(rendered_name) or ""  # the same text as last time: rendered then
                else:
                    ours = markup.render(
                        row.get(name) or "",
                        row.get(type_name) or markup.MarkupType.RESTRUCTUREDTEXT.value,
                        trusted=options.trusted,
                        escape_html=options.escape_html,
                    )
                row[rendered_name] = ours
                if differs_materially(ours, theirs) and row["id"] not in report.markup_differs:
                    report.markup_differs.append(row["id"])
        return row

    def _comparable(self, mapping: DjangoTable, row: Row) -> tuple[Any, ...]:
        full = _full(mapping.target, row)
        return tuple(
            normalise(full[c.name])
            for c in mapping.target.c
            if c.name not in mapping.ours_only and (c.name in row or c.default is None)
        )

    def _checksum(self, mapping: DjangoTable, rows: Iterable[Row]) -> str:
        skip = _rendered_columns(self.markup.get(mapping.name, {})) | set(mapping.ours_only)
        columns = [c.name for c in mapping.target.c if c.name not in skip]
        digest = hashlib.sha256()
        for line in sorted(repr(tuple(normalise(row.get(c)) for c in columns)) for row in rows):
            digest.update(line.encode())
        return digest.hexdigest()[:16]

    # -- one table ----------------------------------------------------------------------------------------------
    async def _import_table(self, source: asyncpg.Connection, mapping: DjangoTable, report: TableReport) -> None:
        started = time.perf_counter()
        columns = await self._source_columns(source, mapping.source)
        query, args = self._query(mapping, columns)
        table = mapping.target
        self_refs = [c.name for c in table.c for fk in c.foreign_keys if fk.column.table.name == table.name]
        records = await source.fetch(query, *args)
        report.read += len(records)
        stored = await self._stored(mapping, [record["id"] for record in records])
        rows: list[Row] = []
        for index, record in enumerate(records, 1):
            raw = dict(record)
            try:
                rows.append(self._map(mapping, raw, report, stored.get(raw["id"])))
            except SkipRow as skip:
                report.skipped.append((raw.get("id"), skip.reason))
            if index % BATCH == 0:
                self.progress(mapping.name, index, len(records))
        known = self.known_ids.setdefault(table.name, set())
        rows = self._order_self_references(rows, self_refs, known, report)
        for column in mapping.media:
            self.media_paths[(mapping.name, column)] = sorted({row[column] for row in rows if row.get(column)})
        async with self.sessions() as session:
            existing = {row_id: self._comparable(mapping, row) for row_id, row in stored.items()}
            inserts = [row for row in rows if row["id"] not in existing]
            updates = [
                row for row in rows if row["id"] in existing and existing[row["id"]] != self._comparable(mapping, row)
            ]
            report.unchanged += len(rows) - len(inserts) - len(updates)
            if not self.options.dry_run:
                await self._write(session, mapping, inserts, updates, report)
            else:
                report.inserted += len(inserts)
                report.updated += len(updates)
        known.update(row["id"] for row in rows)
        self.progress(mapping.name, len(records), len(records))
        if not self.options.since and not self.options.dry_run:
            report.source_checksum = self._checksum(mapping, rows)
        await self._verify(mapping, {row["id"] for row in rows}, report)
        report.seconds = round(report.seconds + time.perf_counter() - started, 3)

    @staticmethod
    def _order_self_references(
        rows: list[Row], self_refs: list[str], existing: set[Any], report: TableReport
    ) -> list[Row]:
        """Parents before children within a table (menu items under menu items); a row whose parent is in
        neither database is skipped."""
        if not self_refs:
            return rows
        batch = {row["id"] for row in rows}
        ordered: list[Row] = []
        placed: set[Any] = set()
        waiting = list(rows)
        while waiting:
            progress = False
            for row in list(waiting):
                parents = [row[c] for c in self_refs if row.get(c) is not None]
                if all(p in placed or (p in existing and p not in batch) for p in parents):
                    ordered.append(row)
                    placed.add(row["id"])
                    waiting.remove(row)
                    progress = True
            if not progress:
                for row in waiting:
                    report.skipped.append((row["id"], "its parent is missing or the parents form a cycle"))
                break
        return ordered

    async def _write(
        self, session: AsyncSession, mapping: DjangoTable, inserts: list[Row], updates: list[Row], report: TableReport
    ) -> None:
        table = mapping.target
        try:
            for start in range(0, len(inserts), BATCH):
                await session.execute(insert(table), [_full(table, row) for row in inserts[start : start + BATCH]])
            if updates:
                names = [c.name for c in table.c if c.name != "id"]
                statement = (
                    update(table)
                    .where(table.c.id == bindparam("_id"))
                    .values({name: bindparam(f"_v_{name}") for name in names})
                )
                params = [{"_id": row["id"], **{f"_v_{n}": _full(table, row)[n] for n in names}} for row in updates]
                await session.execute(statement, params)
            await session.commit()
            report.inserted += len(inserts)
            report.updated += len(updates)
        except (DBAPIError, SQLAlchemyError):
            await session.rollback()
            await self._write_one_by_one(mapping, inserts, updates, report)

    async def _write_one_by_one(
        self, mapping: DjangoTable, inserts: list[Row], updates: list[Row], report: TableReport
    ) -> None:
        """The slow path after a batch failed: each row in its own transaction, failures reported by id."""
        table = mapping.target
        for row, is_insert in [(r, True) for r in inserts] + [(r, False) for r in updates]:
            async with self.sessions() as session:
                try:
                    if is_insert:
                        await session.execute(insert(table).values(**_full(table, row)))
                    else:
                        values = {k: v for k, v in _full(table, row).items() if k != "id"}
                        await session.execute(update(table).where(table.c.id == row["id"]).values(**values))
                    await session.commit()
                except (DBAPIError, SQLAlchemyError) as exc:
                    await session.rollback()
                    reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
                    report.skipped.append((row["id"], f"the database refused it: {reason}"))
                    self.known_ids.get(table.name, set()).discard(row["id"])
                    continue
            if is_insert:
                report.inserted += 1
            else:
                report.updated += 1

    async def _delete_missing(self, mapping: DjangoTable, source_ids: set[Any], report: TableReport) -> None:
        table = mapping.target
        gone = sorted(self.known_ids.get(table.name, set()) - source_ids)
        report.deleted = len(gone)
        if not gone or self.options.dry_run:
            return
        async with self.sessions() as session:
            for start in range(0, len(gone), BATCH):
                await session.execute(delete(table).where(table.c.id.in_(gone[start : start + BATCH])))
            await session.commit()
        self.known_ids[table.name] -= set(gone)

    async def _verify(self, mapping: DjangoTable, imported: set[Any], report: TableReport) -> None:
        table = mapping.target
        async with self.engine.connect() as conn:
            report.target_rows = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            if report.source_checksum:
                result = await conn.execute(select(table))
                rows = [dict(r) for r in result.mappings() if r["id"] in imported]
                report.target_checksum = self._checksum(mapping, rows)
            orphans = 0
            for column in table.c:
                for fk in column.foreign_keys:
                    parent = fk.column.table
                    alias = parent.alias("parent")
                    query = (
                        select(func.count())
                        .select_from(table.outerjoin(alias, column == alias.c[fk.column.name]))
                        .where(column.is_not(None), alias.c[fk.column.name].is_(None))
                    )
                    orphans += (await conn.execute(query)).scalar_one()
            report.orphans = orphans

    async def _move_sequences(self) -> None:
        if self.engine.dialect.name != "postgresql":
            return  # SQLite gives max(id) + 1 to the next row
        async with self.engine.begin() as conn:
            for mapping in self.mappings:
                name = mapping.name
                sequence = (await conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name})).scalar()
                if sequence:
                    await conn.execute(
                        text(f"SELECT setval(:s, GREATEST((SELECT COALESCE(max(id), 0) FROM {ident(name)}), 1))"),  # noqa: S608  (identifiers checked by ident())
                        {"s": sequence},
                    )

    async def _copy_media(self, report: ImportReport) -> None:
        """Copy each file a row names from ``--media-root`` into the media storage, checked by size; an image
        gets the thumbnail our pages show."""
        asked = [(m, c) for m in self.mappings for c in m.media]
        if not asked:
            return
        paths: list[str] = []
        for mapping, column in asked:
            paths.extend(self.media_paths.get((mapping.name, column), []))
        if paths and self.options.media_root is None:
            report.media_not_copied.extend(paths)
            return
        storage = MediaStorage.from_settings(self.settings)
        for relative in paths:
            assert self.options.media_root is not None
            source = (self.options.media_root / relative).resolve()
            if not source.is_relative_to(self.options.media_root.resolve()) or not source.is_file():
                report.media_missing.append(relative)
                continue
            content = source.read_bytes()
            if not await storage.exists(relative) or len(await storage.read(relative)) != len(content):
                await storage.write(relative, content)
            if len(await storage.read(relative)) != len(content):
                report.media_missing.append(f"{relative} (size differs after copying)")
                continue
            report.media_copied += 1
            try:
                await storage.ensure_thumbnail(relative, content)
            except (OSError, ValueError, SyntaxError):
                report.notes.append(f"{relative}: not a readable image, no thumbnail made")

    async def _start_run(self, report: ImportReport) -> int:
        """Recorded before the first row is written: a target a run was interrupted in is still Django's copy."""
        async with self.sessions() as session:
            run = ImportRun(source=report.source, mode=report.mode)
            session.add(run)
            await session.commit()
            return run.id

    async def _finish_run(self, run_id: int, report: ImportReport) -> None:
        async with self.sessions() as session:
            run = await session.get_one(ImportRun, run_id)
            run.finished = utcnow()
            run.report = report.to_json()
            await session.commit()


def _full(table: Table, row: Row) -> Row:
    """Every column of ``table`` for an insert: the row's values, our defaults for the columns Django lacks."""
    values: Row = {}
    for column in table.c:
        if column.name in row:
            values[column.name] = row[column.name]
        elif column.default is not None and getattr(column.default, "is_scalar", False):
            values[column.name] = column.default.arg  # type: ignore[attr-defined]
        elif column.default is not None and callable(getattr(column.default, "arg", None)):
            values[column.name] = column.default.arg({})  # type: ignore[attr-defined]
        else:
            values[column.name] = None
    return values
