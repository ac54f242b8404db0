"""``pydotorg import-django``: the command around ``server/django_import.py`` (progress, report, exit status)."""

from __future__ import annotations

import asyncio
import datetime
import sys
from pathlib import Path

import click
from litestar import Litestar
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from pydotorg.server.django_export import DjangoExporter, ExportReport
from pydotorg.server.django_import import DjangoImporter, ImportProblem, ImportReport, Options
from pydotorg.server.sections import SECTIONS
from pydotorg.web.changes import stale
from pydotorg.web.search import reindex

#: Exit status when the source or the target cannot be used (nothing written).
EXIT_UNUSABLE = 2
#: Exit status when the import ran but something required is missing (see the report).
EXIT_INCOMPLETE = 1


def _parse_since(value: str | None) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date or timestamp") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def print_report(report: ImportReport, console: Console) -> None:
    table = RichTable(title=f"import from {report.source} ({report.mode}, {report.seconds} s)")
    for heading in ("table", "source", "ours", "new", "changed", "deleted", "skipped", "markup", "checksum", "orph"):
        table.add_column(heading, justify="left" if heading in {"table", "checksum"} else "right")
    for t in report.tables:
        if not t.source_checksum:
            checksum = "-"
        else:
            checksum = t.target_checksum if t.source_checksum == t.target_checksum else "DIFFERS"
        table.add_row(
            f"{t.source} -> {t.target}" if t.source != t.target else t.target,
            str(t.source_rows),
            str(t.target_rows),
            str(t.inserted),
            str(t.updated),
            str(t.deleted),
            str(len(t.skipped)),
            str(len(t.markup_differs)),
            checksum,
            str(t.orphans),
        )
    console.print(table)
    for t in report.tables:
        for row_id, reason in t.skipped[:20]:
            console.print(f"skipped {t.source} id {row_id}: {reason}")
        if t.markup_differs:
            ids = ", ".join(map(str, t.markup_differs[:10]))
            console.print(f"markup of {len(t.markup_differs)} {t.source} rows renders differently (ids {ids} ...)")
    console.print("not imported:")
    for name, rows, reason in report.not_imported:
        console.print(f"  {name} ({rows} rows): {reason}")
    for missing in report.media_missing:
        console.print(f"media file missing: {missing}")
    if report.media_not_copied:
        console.print(
            f"{len(report.media_not_copied)} media files named by rows were not copied (no --media-root given): "
            "the media storage must already hold them at the same paths"
        )
    for note in report.notes:
        console.print(note)
    verdict = "complete" if report.ok else "INCOMPLETE (see above)"
    console.print(f"{report.changed} rows changed in {report.seconds} s; import {verdict}")


@click.command(name="import-django", help="Copy python.org's Django database (PostgreSQL) into this site's database.")
@click.argument("source_url")
@click.option("--since", default=None, help="Only rows changed in Django since this ISO timestamp (a re-sync).")
@click.option("--dry-run", is_flag=True, help="Report what would change and write nothing.")
@click.option("--replace", is_flag=True, help="Empty this site's tables first (they hold data not from Django).")
@click.option(
    "--media-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A local copy of Django's media folder: uploaded files are copied from it.",
)
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
def import_django_command(
    app: Litestar,
    source_url: str,
    *,
    since: str | None,
    dry_run: bool,
    replace: bool,
    media_root: Path | None,
    report_path: Path | None,
) -> None:
    settings = app.state.settings
    options = Options(since=_parse_since(since), dry_run=dry_run, replace=replace, media_root=media_root)
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200)  # CI logs: no wrapping of the report's table
    mappings = [mapping for section in SECTIONS for mapping in section.django_tables]

    async def run() -> ImportReport:
        engine = app.state.db_config.get_engine()
        try:
            with Progress(
                TextColumn("{task.description:<28}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.speed} rows/s" if console.is_terminal else ""),
                TimeRemainingColumn(),
                console=console,
                disable=not console.is_terminal,
            ) as progress:
                tasks: dict[str, TaskID] = {}

                def advance(table: str, done: int, total: int) -> None:
                    if not console.is_terminal:
                        if done == total:
                            console.print(f"{table}: {total} rows read")
                        return
                    if table not in tasks:
                        tasks[table] = progress.add_task(table, total=total)
                    progress.update(tasks[table], completed=done, total=total)

                importer = DjangoImporter(
                    source_url, engine, settings=settings, mappings=mappings, options=options, progress=advance
                )
                report = await importer.run()
            if not dry_run and report.changed:
                # Core statements bypass the flush listener: every page, box and menu may have changed.
                async with app.state.db_config.get_session() as session:
                    stale(session, keys=["pydotorg-app"], site_content=True)
                    indexed = await reindex(session)  # the rows arrived without the ORM's search listener
                    await session.commit()
                report.notes.append(f"search: {sum(indexed.values())} documents indexed")
            return report
        finally:
            await app.state.jobs.drain()
            await engine.dispose()

    try:
        report = asyncio.run(run())
    except ImportProblem as exc:
        click.echo(f"import-django: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    print_report(report, console)
    path = report_path or settings.var_dir / f"import-django-{report.started[:19].replace(':', '')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.to_json(), encoding="utf-8")
    console.print(f"report: {path}")
    if not report.ok:
        sys.exit(EXIT_INCOMPLETE)


@click.command(
    name="export-django",
    help="Write rows created, changed or deleted here back into python.org's Django database (the rollback path).",
)
@click.argument("target_url")
@click.option("--since", default=None, help="Only rows changed here since this ISO timestamp (the cutover).")
@click.option("--dry-run", is_flag=True, help="Report what would change and roll back.")
def export_django_command(app: Litestar, target_url: str, *, since: str | None, dry_run: bool) -> None:
    console = Console(highlight=False) if sys.stdout.isatty() else Console(highlight=False, width=200)
    mappings = [mapping for section in SECTIONS for mapping in section.django_tables]

    async def run() -> ExportReport:
        engine = app.state.db_config.get_engine()
        try:
            exporter = DjangoExporter(target_url, engine, mappings=mappings, since=_parse_since(since), dry_run=dry_run)
            return await exporter.run()
        finally:
            await engine.dispose()

    try:
        report = asyncio.run(run())
    except ImportProblem as exc:
        click.echo(f"export-django: {exc}", err=True)
        sys.exit(EXIT_UNUSABLE)
    table = RichTable(title=f"export to {report.target}{' (dry run)' if dry_run else ''} in {report.seconds} s")
    for heading in ("table", "considered", "new", "changed", "deleted", "unchanged"):
        table.add_column(heading, justify="left" if heading == "table" else "right")
    for t in report.tables:
        table.add_row(t.table, str(t.considered), str(t.inserted), str(t.updated), str(t.deleted), str(t.unchanged))
    console.print(table)
    for note in report.notes:
        console.print(note)
    console.print(f"{report.changed} rows {'would change' if dry_run else 'changed'} in the Django database")
