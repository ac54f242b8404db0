"""Accounts: Django's ``users`` app plus the tables of ``django.contrib.auth``, allauth, tastypie and DRF it uses.

Table and column names follow the Django database (``users_user``, ``auth_group``, ``account_emailaddress``,
``tastypie_apikey``, ``authtoken_token``, ``users_membership``, ``django_admin_log``) so the importer maps rows one
to one and ids survive.
"""

from __future__ import annotations

import datetime
import enum
import secrets
from typing import ClassVar

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy import func as sa_func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base, MarkupSpec, association_table, markup_rendered_column, markup_type_column, utcnow

#: Django's ``ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS`` (allauth default).
EMAIL_CONFIRMATION_DAYS = 3
#: ``Membership.needs_vote_affirmation``: a voting member reaffirms once a year.
VOTE_AFFIRMATION_DAYS = 366


class SearchVisibility(enum.IntEnum):
    PRIVATE = 0
    PUBLIC = 1


class EmailPrivacy(enum.IntEnum):
    PUBLIC = 0
    LOGGED_IN_ONLY = 1
    NEVER = 2


user_groups = association_table("users_user_groups", ("user_id", "users_user"), ("group_id", "auth_group"))
user_permissions = association_table(
    "users_user_user_permissions", ("user_id", "users_user"), ("permission_id", "auth_permission")
)
group_permissions = association_table(
    "auth_group_permissions", ("group_id", "auth_group"), ("permission_id", "auth_permission")
)


class Permission(Base):
    """``auth.Permission``; Django's content type is replaced by its ``app_label`` and ``model`` names."""

    __tablename__ = "auth_permission"
    __table_args__ = (UniqueConstraint("app_label", "codename", name="uq_auth_permission_codename"),)

    name: Mapped[str] = mapped_column(String(255))
    app_label: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100), default="")
    codename: Mapped[str] = mapped_column(String(100))

    @property
    def natural_key(self) -> str:
        return f"{self.app_label}.{self.codename}"

    def __str__(self) -> str:
        return f"{self.app_label} | {self.name}"


class Group(Base):
    __tablename__ = "auth_group"

    name: Mapped[str] = mapped_column(String(150), unique=True)
    permissions: Mapped[list[Permission]] = relationship(secondary=group_permissions, lazy="selectin")

    def __str__(self) -> str:
        return self.name


class User(Base):
    __tablename__ = "users_user"
    __table_args__ = (Index("uq_users_user_username_lower", sa_func.lower("username"), unique=True),)
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"bio": MarkupSpec(escape_html=True)}

    username: Mapped[str] = mapped_column(String(150), unique=True)
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    password: Mapped[str] = mapped_column(String(255), default="")
    first_name: Mapped[str] = mapped_column(String(150), default="")
    last_name: Mapped[str] = mapped_column(String(150), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    date_joined: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    last_login: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    bio: Mapped[str] = mapped_column(Text, default="", server_default="")
    bio_markup_type: Mapped[str] = markup_type_column("markdown")
    bio_rendered: Mapped[str] = markup_rendered_column("bio")
    search_visibility: Mapped[int] = mapped_column(Integer, default=SearchVisibility.PUBLIC, server_default="1")
    email_privacy: Mapped[int] = mapped_column(Integer, default=EmailPrivacy.NEVER, server_default="2")
    public_profile: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    groups: Mapped[list[Group]] = relationship(secondary=user_groups, lazy="selectin")
    user_permissions: Mapped[list[Permission]] = relationship(secondary=user_permissions, lazy="selectin")
    membership: Mapped[Membership | None] = relationship(back_populates="creator", lazy="selectin", uselist=False)

    def __str__(self) -> str:
        return self.username

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_searchable(self) -> bool:
        """Django's ``UserQuerySet.searchable()`` for one row."""
        return self.is_active and self.public_profile and self.search_visibility == SearchVisibility.PUBLIC

    @property
    def has_membership(self) -> bool:
        return self.membership is not None


class EmailAddress(Base):
    """allauth's ``account.EmailAddress``: a user's addresses and whether each is verified."""

    __tablename__ = "account_emailaddress"
    __table_args__ = (UniqueConstraint("user_id", "email", name="uq_account_emailaddress_user_email"),)

    email: Mapped[str] = mapped_column(String(254), index=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(lazy="joined")

    def __str__(self) -> str:
        return self.email


class EmailConfirmation(Base):
    """allauth's ``account.EmailConfirmation``: one key per verification mail, deleted once used."""

    __tablename__ = "account_emailconfirmation"

    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    sent: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(48)[:64])
    email_address_id: Mapped[int] = mapped_column(ForeignKey("account_emailaddress.id", ondelete="CASCADE"), index=True)

    email_address: Mapped[EmailAddress] = relationship(lazy="joined")

    def expired(self, now: datetime.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.created + datetime.timedelta(days=EMAIL_CONFIRMATION_DAYS) <= now


def new_api_key() -> str:
    """tastypie's key format: 40 hex characters."""
    return secrets.token_hex(20)


class ApiKey(Base):
    """tastypie's ``ApiKey`` for ``Authorization: ApiKey <username>:<key>`` on ``/api/v1/``."""

    __tablename__ = "tastypie_apikey"

    key: Mapped[str] = mapped_column(String(128), default=new_api_key, index=True)
    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), unique=True)

    user: Mapped[User] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"API key of {self.user.username}" if self.user else "API key"


class Token(Base):
    """DRF's ``authtoken.Token`` for ``Authorization: Token <key>`` on ``/api/v2/``."""

    __tablename__ = "authtoken_token"

    key: Mapped[str] = mapped_column(String(40), unique=True, default=new_api_key)
    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), unique=True)

    user: Mapped[User] = relationship(lazy="joined")

    def __str__(self) -> str:
        return f"Token of {self.user.username}" if self.user else "Token"


class MembershipType(enum.IntEnum):
    BASIC = 0
    SUPPORTING = 1
    SPONSOR = 2
    CONTRIBUTING = 4
    FELLOW = 5

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Membership(Base):
    __tablename__ = "users_membership"

    membership_type: Mapped[int] = mapped_column(Integer, default=MembershipType.BASIC)
    legal_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str] = mapped_column(String(100))
    email_address: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    psf_code_of_conduct: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    psf_announcements: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    votes: Mapped[bool] = mapped_column(Boolean, default=False)
    last_vote_affirmation: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow)
    updated: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, onupdate=utcnow)
    creator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users_user.id", ondelete="CASCADE"), unique=True, nullable=True
    )

    creator: Mapped[User | None] = relationship(back_populates="membership", lazy="joined")

    def __str__(self) -> str:
        return f"Membership for user: {self.creator.username if self.creator else self.legal_name}"

    @property
    def type_label(self) -> str:
        try:
            return MembershipType(self.membership_type).label
        except ValueError:
            return str(self.membership_type)

    @property
    def higher_level_member(self) -> bool:
        return self.membership_type != MembershipType.BASIC

    @property
    def needs_vote_affirmation(self) -> bool:
        if not self.votes or self.last_vote_affirmation is None:
            return False
        return self.last_vote_affirmation < utcnow() - datetime.timedelta(days=VOTE_AFFIRMATION_DAYS)

    def set_votes(self, votes: bool) -> None:
        """Django's ``Membership.save()``: the first time ``votes`` is set, the affirmation date is recorded."""
        if votes and not self.votes and self.last_vote_affirmation is None:
            self.last_vote_affirmation = utcnow()
        self.votes = votes


class UserGroup(Base):
    """A Python user group (model only, as in Django)."""

    __tablename__ = "users_usergroup"

    name: Mapped[str] = mapped_column(String(255))
    location: Mapped[str] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(String(200))
    url_type: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[datetime.date | None] = mapped_column(nullable=True)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)

    def __str__(self) -> str:
        return self.name


class AdminAction(enum.IntEnum):
    ADDITION = 1
    CHANGE = 2
    DELETION = 3


class AdminLogEntry(Base):
    """Django's ``admin.LogEntry``: who changed which object, when, and what."""

    __tablename__ = "django_admin_log"

    action_time: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    content_type: Mapped[str] = mapped_column(String(200), index=True)
    object_id: Mapped[str] = mapped_column(Text, default="")
    object_repr: Mapped[str] = mapped_column(String(200))
    action_flag: Mapped[int] = mapped_column(SmallInteger)
    change_message: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def action_label(self) -> str:
        return {1: "Added", 2: "Changed", 3: "Deleted"}.get(self.action_flag, "?")
