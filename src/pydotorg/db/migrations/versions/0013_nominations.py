"""nominations: election kinds, elections, nominees and nominations (PSF elections)

Revision ID: 5b2c9e7a1d08
Revises: 3e8a51c7d2f4
Create Date: 2026-12-04 15:05:00

"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "5b2c9e7a1d08"
down_revision = "3e8a51c7d2f4"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "nominations_electionkind",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=True),
        sa.Column("accent_color", sa.String(length=25), nullable=False),
        sa.Column("nomination_form", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations_electionkind")),
        sa.UniqueConstraint("name", name=op.f("uq_nominations_electionkind_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_nominations_electionkind_slug")),
    )
    op.create_table(
        "nominations_election",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind_id", ID, nullable=True),
        sa.Column("nominations_open_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("nominations_close_at", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("description_markup_type", sa.String(length=30), server_default="markdown", nullable=False),
        sa.Column("_description_rendered", sa.Text(), server_default="", nullable=False),
        sa.Column("hide_previous_service", sa.Boolean(), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["kind_id"],
            ["nominations_electionkind.id"],
            name=op.f("fk_nominations_election_kind_id_nominations_electionkind"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations_election")),
        sa.UniqueConstraint("slug", name=op.f("uq_nominations_election_slug")),
    )
    with op.batch_alter_table("nominations_election", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominations_election_date"), ["date"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_election_kind_id"), ["kind_id"], unique=False)
    op.create_table(
        "nominations_nominee",
        sa.Column("id", ID, nullable=False),
        sa.Column("election_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["nominations_election.id"],
            name=op.f("fk_nominations_nominee_election_id_nominations_election"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users_user.id"], name=op.f("fk_nominations_nominee_user_id_users_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations_nominee")),
        sa.UniqueConstraint("user_id", "election_id", name=op.f("uq_nominations_nominee_user_id")),
    )
    with op.batch_alter_table("nominations_nominee", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominations_nominee_election_id"), ["election_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_nominee_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_nominee_slug"), ["slug"], unique=False)
    op.create_table(
        "nominations_nomination",
        sa.Column("id", ID, nullable=False),
        sa.Column("election_id", ID, nullable=False),
        sa.Column("name", sa.String(length=1024), nullable=True),
        sa.Column("email", sa.String(length=1024), nullable=True),
        sa.Column("previous_board_service", sa.String(length=1024), nullable=True),
        sa.Column("employer", sa.String(length=1024), nullable=True),
        sa.Column("other_affiliations", sa.String(length=2048), nullable=True),
        sa.Column("nomination_statement", sa.Text(), nullable=False),
        sa.Column("nomination_statement_markup_type", sa.String(length=30), server_default="markdown", nullable=False),
        sa.Column("_nomination_statement_rendered", sa.Text(), server_default="", nullable=False),
        sa.Column("nominator_id", ID, nullable=False),
        sa.Column("nominee_id", ID, nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("coc_acknowledged", sa.Boolean(), nullable=False),
        sa.Column("mission_alignment", sa.Boolean(), nullable=False),
        sa.Column("eligibility_confirmed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["nominations_election.id"],
            name=op.f("fk_nominations_nomination_election_id_nominations_election"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["nominator_id"],
            ["users_user.id"],
            name=op.f("fk_nominations_nomination_nominator_id_users_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["nominee_id"],
            ["nominations_nominee.id"],
            name=op.f("fk_nominations_nomination_nominee_id_nominations_nominee"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations_nomination")),
    )
    with op.batch_alter_table("nominations_nomination", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nominations_nomination_election_id"), ["election_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_nomination_nominator_id"), ["nominator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_nominations_nomination_nominee_id"), ["nominee_id"], unique=False)


def downgrade() -> None:
    op.drop_table("nominations_nomination")
    op.drop_table("nominations_nominee")
    op.drop_table("nominations_election")
    op.drop_table("nominations_electionkind")
