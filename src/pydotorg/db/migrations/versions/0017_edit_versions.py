"""pages, boxes: an edit version, so a save over a newer edit is refused

Revision ID: 5c1e0d7a9b42
Revises: e3b29bcb7bf9
Create Date: 2026-12-05 07:20:00

Expand only: a NOT NULL column with a server default. The previous release never names it, and its updates leave
it as it is (a save from the old release then simply does not bump the version).
"""

import sqlalchemy as sa
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "5c1e0d7a9b42"
down_revision = "e3b29bcb7bf9"
branch_labels = None
depends_on = None

TABLES = ("pages_page", "boxes_box")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
