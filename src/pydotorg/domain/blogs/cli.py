"""``pydotorg blogs update``: read every blog feed now."""

from __future__ import annotations

import asyncio

import click
from litestar import Litestar
from litestar.cli._utils import LitestarGroup

from pydotorg.domain.blogs.services import UpdateReport, update_blogs


@click.group(name="blogs", cls=LitestarGroup, help="Blog feeds.")
def blogs_group() -> None:
    """Commands for the blogs section."""


@blogs_group.command(name="update", help="Read every blog feed, upsert its entries, refresh the blog box.")  # type: ignore[untyped-decorator]
def update_command(app: Litestar) -> None:
    async def run() -> UpdateReport:
        try:
            async with app.state.db_config.get_session() as session:
                report = await update_blogs(session, app.state.settings)
                await session.commit()
            return report
        finally:
            await app.state.jobs.drain()  # the CDN purges its commit queued
            await app.state.db_config.get_engine().dispose()

    report = asyncio.run(run())
    for feed in report.feeds:
        click.echo(feed.summary())
    click.echo(f"blog box {'regenerated' if report.box else 'unchanged'}; {report.related} related blogs refreshed")
    failed = [f for f in report.feeds if f.error]
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(report.feeds)} feeds could not be read")
