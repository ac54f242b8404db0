"""Our commands, added to Litestar's CLI (which brings ``run``, ``database``, ``routes``, ``schema``...)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click
from litestar import Litestar
from litestar.plugins import CLIPluginProtocol
from litestar_saq import SAQPlugin

from pydotorg.domain.users.cli import DEMO_STAFF_USERNAME, create_demo_staff, ensure_auth_data
from pydotorg.fixtures.django import FixtureError
from pydotorg.fixtures.seed import seed
from pydotorg.fixtures.volume import seed_volume
from pydotorg.lib.jobs import REGISTRY, UnknownJobError, get_job
from pydotorg.server.django_cli import export_django_command, import_django_command
from pydotorg.server.health import install_drain_on_sigterm
from pydotorg.server.jobs import QUEUE_NAME, job_context
from pydotorg.server.sections import SECTIONS
from pydotorg.settings import get_settings
from pydotorg.web.media import MediaStorage


@click.command(name="seed", help="Load the menu, boxes, CMS pages and flags (idempotent).")
@click.option(
    "--django-fixtures",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Also load python.org's Django fixture files (boxes.json, sitetree_menus.json, flags.json, users.json).",
)
@click.option(
    "--volume",
    type=click.Choice(["demo", "large"]),
    default="demo",
    help="'large' adds python.org-sized data for benchmarks (releases, files, pages, users).",
)
def seed_command(app: Litestar, django_fixtures: Path | None, volume: str) -> None:
    settings = app.state.settings

    async def run() -> Any:
        try:
            # Its commits reload the site content and clear the response cache (see web/changes.py).
            report = await seed(
                app.state.db_config.get_session,
                django_fixtures=django_fixtures,
                media=MediaStorage.from_settings(settings),
            )
            async with app.state.db_config.get_session() as session:
                await ensure_auth_data(session)
                # Embedded mode only: a staff account to try the admin with (never in production set-ups).
                demo = await create_demo_staff(session) if settings.mode == "embedded" else None
                if volume == "large":
                    extra = await seed_volume(session)
                    report.created["volume rows"] += extra.rows
                await session.commit()
            return report, demo
        finally:
            await app.state.jobs.drain()
            await app.state.db_config.get_engine().dispose()

    try:
        report, demo_password = asyncio.run(run())
    except (FixtureError, FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.lines():
        click.echo(line)
    if demo_password:
        click.echo(
            f"demo staff account: {DEMO_STAFF_USERNAME} / {demo_password}  "
            "(shown once; sign in at /accounts/login/, the admin is at /admin/)"
        )
    changed = report.changed or bool(demo_password)
    click.echo("seed: done" + ("" if changed else " (nothing changed)"))


@click.group(name="workers", help="Background job workers.")
def embedded_workers_group() -> None:
    """Only present when no Redis is configured; litestar-saq provides the real group otherwise."""


@embedded_workers_group.command(name="run", help="Run a job worker (needs REDIS_URL).")
def embedded_workers_run() -> None:
    raise click.ClickException(
        "No REDIS_URL is configured: background jobs run inside the web server process in embedded mode. "
        "Set REDIS_URL (and DATABASE_URL) to use a separate SAQ worker."
    )


@click.command(name="enqueue", help="Queue a background job by name, e.g. 'rerender_markup'.")
@click.argument("name")
def enqueue_command(app: Litestar, name: str) -> None:
    settings = app.state.settings
    try:
        fn = get_job(name)
    except UnknownJobError as exc:
        raise click.ClickException(f"{exc}; known jobs: {', '.join(sorted(REGISTRY))}") from exc

    async def run() -> Any:
        try:
            if settings.uses_redis:
                queue = app.plugins.get(SAQPlugin).get_queue(QUEUE_NAME)
                await queue.connect()
                try:
                    await queue.enqueue(name)
                finally:
                    await queue.disconnect()
                return "queued"
            # Embedded mode has no separate worker: run it here and now.
            return await fn(job_context(settings, app.state.db_config.get_session, app.stores))
        finally:
            await app.state.jobs.drain()
            await app.state.db_config.get_engine().dispose()

    click.echo(f"{name}: {asyncio.run(run())}")


#: ``pydotorg run`` options whose defaults differ from litestar-granian's: production needs them on.
RUN_DEFAULTS = {
    # A worker that dies (a crash, the OOM killer) is replaced after ``--respawn-interval`` seconds instead of
    # Granian shutting the whole server down. ``--no-respawn-failed-workers`` restores Granian's behaviour.
    "respawn_failed_workers": True,
    # One line per request on standard output: time, client, method, path, protocol, status and milliseconds.
    # ``--granian-no-access-log`` turns it off (the benchmarks do, to keep their logs small).
    "log_access_enabled": True,
}


def set_run_defaults(cli: click.Group) -> None:
    # With JSON logs the app writes the request line itself, with the request id (server/observability.py).
    defaults = {**RUN_DEFAULTS, "log_access_enabled": not get_settings().json_logs}
    run = cli.commands.get("run")
    for param in run.params if run is not None else []:
        if param.name in defaults:
            param.default = defaults[param.name]


class PydotorgCLIPlugin(CLIPluginProtocol):
    def on_cli_init(self, cli: click.Group) -> None:
        cli.add_command(seed_command)
        cli.add_command(enqueue_command)
        cli.add_command(import_django_command)
        cli.add_command(export_django_command)
        for section in SECTIONS:
            for command in section.commands:
                cli.add_command(command)
        set_run_defaults(cli)
        install_drain_on_sigterm()
        if not get_settings().uses_redis and "workers" not in cli.commands:
            cli.add_command(embedded_workers_group)
