"""``pydotorg create-superuser`` and ``pydotorg users credentials``, plus the demo staff account of ``seed``."""

from __future__ import annotations

import asyncio
import re
import secrets
import sys
from typing import Any

import click
from litestar import Litestar
from litestar.cli._utils import LitestarGroup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models.users import Group, Permission
from pydotorg.domain.admin.controllers import ensure_permissions
from pydotorg.domain.users import services
from pydotorg.domain.users.forms import USERNAME_PATTERN
from pydotorg.domain.users.guards import JOB_BOARD_ADMIN_GROUP
from pydotorg.lib import passwords

DEMO_STAFF_USERNAME = "demo-staff"


async def ensure_auth_data(session: AsyncSession) -> None:
    """The permission rows of every registered admin model (the sections register theirs when the app is built),
    and Django's "Job Board Admin" group."""
    await ensure_permissions(session)
    if (await session.execute(select(Group.id).where(Group.name == JOB_BOARD_ADMIN_GROUP))).first() is None:
        session.add(Group(name=JOB_BOARD_ADMIN_GROUP))
    await ensure_release_managers(session)
    await session.flush()


#: Release managers publish through the APIs: staff in this group hold every downloads permission, which the
#: API's writes ask for as the admin does (a staff user without them is refused).
RELEASE_MANAGERS_GROUP = "Release Managers"


async def ensure_release_managers(session: AsyncSession) -> Group:
    """The "Release Managers" group with the downloads permissions it lacks (its other permissions are kept)."""
    wanted = list((await session.execute(select(Permission).where(Permission.app_label == "downloads"))).scalars())
    query = (
        select(Group)
        .where(Group.name == RELEASE_MANAGERS_GROUP)
        .options(selectinload(Group.permissions))
        .execution_options(populate_existing=True)
    )
    group = (await session.execute(query)).scalars().first()
    if group is None:
        group = Group(name=RELEASE_MANAGERS_GROUP, permissions=wanted)
        session.add(group)
    else:
        held = {p.id for p in group.permissions}
        group.permissions.extend(p for p in wanted if p.id not in held)
    await session.flush()
    return group


def _run(app: Litestar, work: Any) -> Any:
    async def run() -> Any:
        try:
            async with app.state.db_config.get_session() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await app.state.jobs.drain()
            await app.state.db_config.get_engine().dispose()

    return asyncio.run(run())


async def create_demo_staff(session: AsyncSession) -> str | None:
    """A staff superuser for trying the admin locally; returns its new password, or None when it exists."""
    if await services.get_by_username(session, DEMO_STAFF_USERNAME) is not None:
        return None
    password = secrets.token_urlsafe(12)
    await services.create_user(
        session,
        username=DEMO_STAFF_USERNAME,
        email="demo-staff@example.org",
        password=password,
        verified=True,
        is_staff=True,
        is_superuser=True,
    )
    return password


@click.command(name="create-superuser", help="Create a superuser (staff, every permission, verified e-mail).")
@click.option("--username", prompt=True, help="Letters, digits and @/./+/-/_ only.")
@click.option("--email", prompt=True, help="The account's (verified) e-mail address.")
@click.option("--password", default=None, help="Visible to other local users in the process list; prefer stdin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@click.option("--no-input", is_flag=True, help="Never prompt: fail when something is missing.")
def create_superuser_command(
    app: Litestar, *, username: str, email: str, password: str | None, password_stdin: bool, no_input: bool
) -> None:
    if not re.match(USERNAME_PATTERN, username) or len(username) > 150:
        raise click.ClickException("Enter a valid username: letters, digits and @/./+/-/_ only (150 at most).")
    if "@" not in email:
        raise click.ClickException("Enter a valid e-mail address.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if not password:
        if no_input:
            raise click.ClickException("No password given (use --password-stdin or --password).")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = passwords.validate_password(password, username=username, email=email)
    if problems:
        raise click.ClickException(" ".join(problems))

    async def work(session: AsyncSession) -> None:
        if await services.username_taken(session, username):
            raise click.ClickException(f"A user named {username!r} already exists.")
        if await services.email_taken(session, email):
            raise click.ClickException(f"A user with the e-mail address {email!r} already exists.")
        await ensure_auth_data(session)
        await services.create_user(
            session, username=username, email=email, password=password, verified=True, is_superuser=True
        )

    _run(app, work)
    click.echo(f"Superuser {username} created.")


@click.group(name="users", cls=LitestarGroup, help="Accounts: API credentials.")
def users_group() -> None:
    """Commands about user accounts."""


@users_group.command(  # type: ignore[untyped-decorator]
    name="credentials", help="Print (or --rotate) a user's v1 API key and v2 token."
)
@click.argument("username")
@click.option("--rotate", is_flag=True, help="Replace both with new random values first.")
def credentials_command(app: Litestar, username: str, rotate: bool) -> None:
    async def work(session: AsyncSession) -> tuple[str, str, str]:
        user = await services.get_by_username(session, username)
        if user is None:
            raise click.ClickException(f"No user named {username!r}.")
        api_key, token = await (services.rotate_credentials if rotate else services.ensure_credentials)(session, user)
        return user.username, api_key.key, token.key

    name, key, token = _run(app, work)
    if rotate:
        click.echo("New credentials (the old ones no longer work):")
    click.echo(f"API v1:  Authorization: ApiKey {name}:{key}")
    click.echo(f"API v2:  Authorization: Token {token}")


@users_group.command(  # type: ignore[untyped-decorator]
    name="set-password",
    help="Give a user a new password: a random one, printed once, or the first line of standard input. "
    "The user's other sessions end. Use it to recover the demo staff account.",
)
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
def set_password_command(app: Litestar, username: str, password_stdin: bool) -> None:
    password = sys.stdin.readline().rstrip("\n") if password_stdin else secrets.token_urlsafe(12)

    async def work(session: AsyncSession) -> None:
        user = await services.get_by_username(session, username)
        if user is None:
            raise click.ClickException(f"No user named {username!r}.")
        problems = passwords.validate_password(password, username=user.username, email=user.email)
        if problems:
            raise click.ClickException(" ".join(problems))
        # Sessions carry a hash of the password: every session of the old one is signed out.
        user.password = await passwords.hash_password_async(password)

    _run(app, work)
    click.echo(f"New password for {username}: {password}" if not password_stdin else f"Password of {username} set.")
