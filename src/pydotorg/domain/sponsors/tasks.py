"""The sponsorship section's background work: the daily reminder of required assets that fall due (Django's
``check_sponsorship_assets_due_date`` command, here also a cron job of the SAQ worker) and its command."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import click
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import utcnow
from pydotorg.domain.sponsors import services
from pydotorg.lib.jobs import JobContext, job
from pydotorg.settings import Settings
from pydotorg.web.changes import mail_after_commit

ASSETS_DUE_JOB = "check_sponsorship_assets_due_date"


async def remind(session: AsyncSession, settings: Settings, days: int, *, today: datetime.date | None = None) -> int:
    """Mail the verified contacts of every sponsorship with a required asset due in ``days`` days that is still
    missing; returns how many sponsorships were reminded (each mail leaves when the caller commits)."""
    due = (today or utcnow().date()) + datetime.timedelta(days=days)
    reminded = 0
    for item in await services.assets_due(session, due):
        to = await services.verified_emails(session, item.sponsorship.sponsor_id)
        if not to:
            continue
        mail_after_commit(
            session,
            "sponsorship_assets_due",
            to,
            from_email=settings.sponsorship_notification_from_email,
            days=days,
            due=due,
            sponsor_name=item.sponsor_name,
            missing=item.missing,
            url=settings.absolute_url(f"/users/sponsorships/{item.sponsorship.id}/"),
        )
        services.record(session, None, item.sponsorship, f"Reminded of assets due on {due}: {', '.join(item.missing)}")
        reminded += 1
    return reminded


@job(ASSETS_DUE_JOB)
async def check_assets_due(ctx: JobContext, *, days: int | None = None, **_: Any) -> int:
    async with ctx.session_factory() as session:
        count = await remind(
            session, ctx.settings, days if days is not None else ctx.settings.sponsorship_assets_due_days
        )
        await session.commit()
    return count


@click.command(name="check-sponsorship-assets-due-date", help="Remind sponsors of required assets due in DAYS days.")
@click.argument("days", type=click.IntRange(0, 365), required=False)
@click.option("--no-input", is_flag=True, help="Send without asking.")
def check_assets_due_command(app: Litestar, days: int | None, no_input: bool) -> None:
    settings: Settings = app.state.settings
    wanted = days if days is not None else settings.sponsorship_assets_due_days

    async def run() -> int:
        try:
            async with app.state.db_config.get_session() as session:
                due = utcnow().date() + datetime.timedelta(days=wanted)
                found = await services.assets_due(session, due)
                if not found:
                    return 0
                for item in found:
                    click.echo(f"{item.sponsor_name or item.sponsorship.id}: {', '.join(item.missing)}")
                if not no_input and not click.confirm(f"Remind {len(found)} sponsorship(s)?", default=False):
                    return 0
                count = await remind(session, settings, wanted)
                await session.commit()
                return count
        finally:
            await app.state.jobs.drain()
            await app.state.db_config.get_engine().dispose()

    count = asyncio.run(run())
    click.echo(f"{count} sponsorship(s) reminded of assets due in {wanted} day(s).")
