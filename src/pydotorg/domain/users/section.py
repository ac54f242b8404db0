"""Accounts, profiles and PSF membership; the user admin; ``create-superuser`` and ``users`` commands."""

from pydotorg.domain.users import admin  # noqa: F401  (register the admin)
from pydotorg.domain.users.accounts import AccountController, AdminLoginController
from pydotorg.domain.users.cli import create_superuser_command, users_group
from pydotorg.domain.users.controllers import MembershipController, UserController
from pydotorg.domain.users.django import DJANGO_TABLES
from pydotorg.web.section import Section

SECTION = Section(
    django_tables=DJANGO_TABLES,
    name="users",
    pages=[AccountController, AdminLoginController, UserController, MembershipController],
    commands=[create_superuser_command, users_group],
)
