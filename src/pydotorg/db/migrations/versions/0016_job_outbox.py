"""jobs: the outbox that keeps jobs enqueued while Redis is unreachable

Revision ID: e3b29bcb7bf9
Revises: a3f8cb169917
Create Date: 2026-12-05 03:25:20

A new table only (expand): the previous release never reads it.
"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "e3b29bcb7bf9"
down_revision = "a3f8cb169917"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pydotorg_job_outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kwargs", sa.Text(), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("created", DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pydotorg_job_outbox")),
    )
    op.create_index(op.f("ix_pydotorg_job_outbox_created"), "pydotorg_job_outbox", ["created"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_pydotorg_job_outbox_created"), table_name="pydotorg_job_outbox")
    op.drop_table("pydotorg_job_outbox")
