"""import runs: the record of each ``pydotorg import-django``

Revision ID: 5a0c7e2d9f41
Revises: 9b1583c72881
Create Date: 2026-12-01 07:00:00

"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "5a0c7e2d9f41"
down_revision = "9b1583c72881"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pydotorg_importrun",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("started", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("finished", DateTimeUTC(timezone=True), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pydotorg_importrun")),
    )
    with op.batch_alter_table("pydotorg_importrun", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pydotorg_importrun_started"), ["started"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pydotorg_importrun", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pydotorg_importrun_started"))
    op.drop_table("pydotorg_importrun")
