"""PSF elections (Django's ``nominations``): election kinds, elections, nominees and the nominations for them.

Members nominate candidates (or themselves) while an election's nomination window is open; staff approve nominees
and nominations; a nominee accepts; once nominations close, the accepted and approved nominees are public.
"""

from __future__ import annotations

import datetime
import re
from typing import ClassVar

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base, MarkupSpec, markup_rendered_column, markup_type_column, utcnow

BOARD = "board"
PACKAGING_COUNCIL = "packaging_council"
NOMINATION_FORMS = {BOARD: "PSF Board", PACKAGING_COUNCIL: "Packaging Council"}
DEFAULT_ACCENT = "#0073b7"
#: A colour the election pages may use: #rgb or #rrggbb, nothing that could carry CSS of its own.
HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def safe_colour(value: str | None) -> str:
    """The accent colour if it is a hex colour, else the default (the database never writes raw CSS)."""
    return value if value and HEX_COLOUR.fullmatch(value) else DEFAULT_ACCENT


class ElectionKind(Base):
    __tablename__ = "nominations_electionkind"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    #: Made from the name when the kind is created and kept after that (Django re-made it on every save).
    slug: Mapped[str | None] = mapped_column(String(120), unique=True, nullable=True)
    accent_color: Mapped[str] = mapped_column(String(25), default=DEFAULT_ACCENT)
    nomination_form: Mapped[str] = mapped_column(String(32), default=BOARD)

    def __str__(self) -> str:
        return self.name

    @property
    def previous_service_label(self) -> str:
        return (
            "Previous Packaging Council Service"
            if self.nomination_form == PACKAGING_COUNCIL
            else ("Previous Board Service")
        )


class Election(Base):
    __tablename__ = "nominations_election"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"description": MarkupSpec()}

    name: Mapped[str] = mapped_column(String(100))
    date: Mapped[datetime.date] = mapped_column(Date, index=True)
    kind_id: Mapped[int | None] = mapped_column(
        ForeignKey("nominations_electionkind.id", ondelete="SET NULL"), nullable=True, index=True
    )
    nominations_open_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    nominations_close_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Django fixes the election description to Markdown.
    description_markup_type: Mapped[str] = markup_type_column("markdown")
    description_rendered: Mapped[str] = markup_rendered_column("description")
    hide_previous_service: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Made from the name when the election is created, unique, and kept after that (Django re-made it on every
    #: save, so renaming an election broke its links).
    slug: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)

    kind: Mapped[ElectionKind | None] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"{self.name} - {self.date}"

    @property
    def absolute_url(self) -> str:
        return f"/nominations/election/{self.slug}/"

    @property
    def nominees_url(self) -> str:
        return f"/nominations/elections/{self.slug}/nominees/"

    @property
    def accent_color(self) -> str:
        """The kind's colour, checked (load ``kind`` with the election)."""
        return safe_colour(self.kind.accent_color if self.kind is not None else None)

    @property
    def nomination_form_variant(self) -> str:
        return self.kind.nomination_form if self.kind is not None else BOARD

    def nominations_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or utcnow()
        if self.nominations_open_at is None or self.nominations_close_at is None:
            return False
        return self.nominations_open_at < now < self.nominations_close_at

    def nominations_complete(self, now: datetime.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.nominations_close_at is not None and self.nominations_close_at < now

    def status(self, now: datetime.datetime | None = None) -> str:
        """Django's status texts; an election without a nomination window reads by its date (Django had the two
        texts the wrong way round: "Commenced" for a future date)."""
        now = now or utcnow()
        if self.nominations_open_at is not None and self.nominations_open_at > now:
            return "Nominations Not Yet Open"
        if self.nominations_open(now):
            return "Nominations Open"
        if self.nominations_close_at is not None and self.nominations_close_at < now:
            return "Nominations Closed"
        return "Voting Not Yet Begun" if self.date > now.date() else "Commenced"


class Nominee(Base):
    __tablename__ = "nominations_nominee"
    __table_args__ = (UniqueConstraint("user_id", "election_id"),)

    election_id: Mapped[int] = mapped_column(ForeignKey("nominations_election.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users_user.id", ondelete="CASCADE"), nullable=True, index=True
    )
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    #: From the nominee's first and last name, unique within the election, kept after that.
    slug: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)

    election: Mapped[Election] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"{self.slug or 'nominee'} (#{self.id})"

    @property
    def absolute_url(self) -> str:
        return f"/nominations/elections/{self.election.slug}/nominees/{self.slug}/"


class Nomination(Base):
    __tablename__ = "nominations_nomination"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"nomination_statement": MarkupSpec()}

    election_id: Mapped[int] = mapped_column(ForeignKey("nominations_election.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    email: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    previous_board_service: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    employer: Mapped[str | None] = mapped_column(String(1024), nullable=True)
    other_affiliations: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    nomination_statement: Mapped[str] = mapped_column(Text, default="")
    #: Django fixes nomination statements to Markdown (rendered sanitised: they are written by members).
    nomination_statement_markup_type: Mapped[str] = markup_type_column("markdown")
    nomination_statement_rendered: Mapped[str] = markup_rendered_column("nomination_statement")
    nominator_id: Mapped[int] = mapped_column(ForeignKey("users_user.id", ondelete="CASCADE"), index=True)
    nominee_id: Mapped[int | None] = mapped_column(
        ForeignKey("nominations_nominee.id", ondelete="SET NULL"), nullable=True, index=True
    )
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    coc_acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
    mission_alignment: Mapped[bool] = mapped_column(Boolean, default=False)
    eligibility_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    election: Mapped[Election] = relationship(lazy="raise")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def absolute_url(self) -> str:
        return f"/nominations/{self.election.slug}/{self.id}/"
