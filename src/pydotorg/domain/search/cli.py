"""``pydotorg search reindex``: rebuild every search document from the rows."""

from __future__ import annotations

import asyncio

import click
from litestar import Litestar
from litestar.cli._utils import LitestarGroup
from rich.console import Console
from rich.progress import Progress

from pydotorg.web.search import reindex


@click.group(name="search", cls=LitestarGroup, help="Site search.")
def search_group() -> None:
    """Commands for the site search."""


@search_group.command(name="reindex", help="Rebuild the search documents of every section.")  # type: ignore[untyped-decorator]
def reindex_command(app: Litestar) -> None:
    console = Console(highlight=False)

    async def run() -> dict[str, int]:
        try:
            with Progress(console=console, disable=not console.is_terminal) as progress:
                task = progress.add_task("reindexing", total=None)

                def advance(kind: str, done: int, _total: int) -> None:
                    progress.update(task, description=f"reindexed {kind}", advance=done)

                async with app.state.db_config.get_session() as session:
                    counts = await reindex(session, advance)
                    await session.commit()
            return counts
        finally:
            await app.state.jobs.drain()
            await app.state.db_config.get_engine().dispose()

    counts = asyncio.run(run())
    for kind, count in sorted(counts.items()):
        click.echo(f"{kind}: {count} documents")
    click.echo(f"search: {sum(counts.values())} documents indexed")
