"""``pydotorg events import-ics``: run the ICS import now (every calendar with a URL, or one)."""

from __future__ import annotations

import asyncio

import click
from litestar import Litestar
from litestar.cli._utils import LitestarGroup

from pydotorg.domain.events.importer import import_all


@click.group(name="events", cls=LitestarGroup, help="Community calendars.")
def events_group() -> None:
    """Commands for the events section."""


@events_group.command(  # type: ignore[untyped-decorator]
    name="import-ics", help="Download each calendar's ICS URL and upsert its events by UID."
)
@click.option("--calendar", "slug", default=None, help="Only this calendar (its slug).")
def import_ics_command(app: Litestar, slug: str | None) -> None:
    async def run() -> list[str]:
        try:
            reports = await import_all(app.state.db_config.get_session, app.state.settings, slug)
        finally:
            await app.state.jobs.drain()  # the CDN purges its commits queued
            await app.state.db_config.get_engine().dispose()
        failed = [r for r in reports if r.error]
        for report in reports:
            click.echo(report.summary())
        if failed:
            raise click.ClickException(f"{len(failed)} of {len(reports)} calendars could not be imported")
        return [r.summary() for r in reports]

    summaries = asyncio.run(run())
    if not summaries:
        click.echo("no calendar has an ICS URL")
