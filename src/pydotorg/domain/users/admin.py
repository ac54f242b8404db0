"""Admin registrations of the accounts models (users, groups, e-mail addresses, memberships, API credentials)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from litestar import Response
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.users import (
    ApiKey,
    EmailAddress,
    EmailPrivacy,
    Group,
    Membership,
    MembershipType,
    Permission,
    SearchVisibility,
    Token,
    User,
)
from pydotorg.domain.admin.registry import ManyToMany, ModelAdmin, register

MEMBERSHIP_CHOICES = [(kind.value, kind.label) for kind in MembershipType]


async def export_memberships_csv(_request: Any, _session: AsyncSession, rows: Sequence[Membership]) -> Response[str]:
    """Django's "Export CSV" membership action: type, creator, e-mail, votes, last vote affirmation."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Membership Type", "Creator", "Email Address", "Votes", "Last Vote Affirmation"])
    for row in rows:
        writer.writerow(
            [
                row.type_label,
                row.creator.username if row.creator else "",
                row.email_address,
                row.votes,
                row.last_vote_affirmation.isoformat() if row.last_vote_affirmation else "",
            ]
        )
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        status_code=200,
        headers={"Content-Disposition": 'attachment; filename="memberships.csv"'},
    )


register(
    ModelAdmin(
        model=User,
        app_label="users",
        model_name="user",
        verbose_name="user",
        verbose_name_plural="users",
        list_display=["username", "email", "first_name", "last_name", "is_staff", "is_active", "date_joined"],
        search_fields=["username", "email", "first_name", "last_name", "bio"],
        list_filter=["is_staff", "is_superuser", "is_active"],
        ordering="username",
        fields=[
            "username",
            "email",
            "first_name",
            "last_name",
            "bio",
            "search_visibility",
            "email_privacy",
            "public_profile",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "date_joined",
            "last_login",
        ],
        readonly_fields=["date_joined", "last_login"],
        superuser_fields=["is_staff", "is_superuser", "groups", "user_permissions"],
        choices={
            "search_visibility": [
                (SearchVisibility.PUBLIC.value, "Public"),
                (SearchVisibility.PRIVATE.value, "Private"),
            ],
            "email_privacy": [
                (EmailPrivacy.PUBLIC.value, "E-mail is public"),
                (EmailPrivacy.LOGGED_IN_ONLY.value, "Only logged-in users can see my e-mail"),
                (EmailPrivacy.NEVER.value, "No one can ever see my e-mail"),
            ],
        },
        many_to_many={
            "groups": ManyToMany("groups", Group),
            "user_permissions": ManyToMany("user_permissions", Permission),
        },
        help_texts={"is_staff": "Can log into the admin.", "is_superuser": "Has every permission."},
        # Django: accounts are created through sign-up only.
        can_add=False,
    )
)

register(
    ModelAdmin(
        model=Group,
        app_label="auth",
        model_name="group",
        verbose_name="group",
        verbose_name_plural="groups",
        list_display=["name"],
        search_fields=["name"],
        ordering="name",
        fields=["name", "permissions"],
        many_to_many={"permissions": ManyToMany("permissions", Permission)},
    )
)

register(
    ModelAdmin(
        model=EmailAddress,
        app_label="account",
        model_name="emailaddress",
        verbose_name="e-mail address",
        verbose_name_plural="e-mail addresses",
        list_display=["email", "user_id", "primary", "verified"],
        search_fields=["email"],
        list_filter=["verified", "primary"],
        fields=["user_id", "email", "primary", "verified"],
    )
)

register(
    ModelAdmin(
        model=Membership,
        app_label="users",
        model_name="membership",
        verbose_name="membership",
        verbose_name_plural="memberships",
        list_display=["legal_name", "preferred_name", "email_address", "membership_type", "votes", "created"],
        search_fields=["legal_name", "preferred_name", "email_address", "city", "country"],
        list_filter=["membership_type", "votes"],
        ordering="-created",
        fields=[
            "creator_id",
            "membership_type",
            "legal_name",
            "preferred_name",
            "email_address",
            "city",
            "region",
            "country",
            "postal_code",
            "psf_code_of_conduct",
            "psf_announcements",
            "votes",
            "last_vote_affirmation",
        ],
        choices={"membership_type": MEMBERSHIP_CHOICES},
        actions={"export_csv": ("Export CSV", export_memberships_csv)},
    )
)

register(
    ModelAdmin(
        model=ApiKey,
        app_label="tastypie",
        model_name="apikey",
        verbose_name="API key",
        verbose_name_plural="API keys",
        list_display=["user_id", "key", "created"],
        search_fields=["key", "user_id"],
        fields=["user_id", "key"],
        help_texts={"key": "For Authorization: ApiKey <username>:<key> on /api/v1/."},
    )
)

register(
    ModelAdmin(
        model=Token,
        app_label="authtoken",
        model_name="token",
        verbose_name="token",
        verbose_name_plural="tokens",
        list_display=["user_id", "key", "created"],
        search_fields=["key", "user_id"],
        fields=["user_id", "key"],
        help_texts={"key": "For Authorization: Token <key> on /api/v2/."},
    )
)
