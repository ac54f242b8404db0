"""The accounts tables of python.org's Django database: users with their password hashes untouched, groups,
permissions (Django's content types become ``app_label`` and ``model``), e-mail addresses, memberships, user
groups, API keys and tokens (so release managers' credentials keep working), and django-waffle's flags."""

from __future__ import annotations

from pydotorg.db.base import Base
from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import (
    ApiKey,
    EmailAddress,
    EmailConfirmation,
    Flag,
    Group,
    Membership,
    Permission,
    Token,
    User,
    UserGroup,
)

_tables = Base.metadata.tables

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("users_user", table_of(User)),
    DjangoTable("auth_group", table_of(Group)),
    DjangoTable(
        "auth_permission",
        table_of(Permission),
        select=(
            "SELECT p.id, p.name, p.codename, ct.app_label, ct.model FROM auth_permission p "
            "JOIN django_content_type ct ON ct.id = p.content_type_id"
        ),
    ),
    DjangoTable("auth_group_permissions", _tables["auth_group_permissions"]),
    DjangoTable("users_user_groups", _tables["users_user_groups"]),
    DjangoTable("users_user_user_permissions", _tables["users_user_user_permissions"]),
    DjangoTable("account_emailaddress", table_of(EmailAddress)),
    DjangoTable("account_emailconfirmation", table_of(EmailConfirmation)),
    DjangoTable("users_membership", table_of(Membership), changed_column="updated"),
    DjangoTable("users_usergroup", table_of(UserGroup)),
    DjangoTable("tastypie_apikey", table_of(ApiKey)),
    # DRF's Token has the key as its primary key and one token per user: our ``id`` is the user's id.
    DjangoTable(
        "authtoken_token",
        table_of(Token),
        select="SELECT user_id AS id, key, created, user_id FROM authtoken_token",
        source_key="user_id",
    ),
    DjangoTable(
        "waffle_flag",
        table_of(Flag),
        select=(
            "SELECT id, name, everyone, superusers, staff, authenticated, note, created, modified FROM waffle_flag"
        ),
        changed_column="modified",
    ),
)
