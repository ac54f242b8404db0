"""sponsors: a contract's rendering state and error (the documents are rendered by a background job)

Revision ID: a3f8cb169917
Revises: c6f739e0b4bb
Create Date: 2026-12-04 18:49:56

Two columns with server defaults: adding them rewrites nothing on PostgreSQL 11+ and the previous release, which
does not know them, keeps working.
"""

import sqlalchemy as sa
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "a3f8cb169917"
down_revision = "c6f739e0b4bb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sponsors_contract", schema=None) as batch_op:
        batch_op.add_column(sa.Column("render_state", sa.String(length=20), server_default="", nullable=False))
        batch_op.add_column(sa.Column("render_error", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("sponsors_contract", schema=None) as batch_op:
        batch_op.drop_column("render_error")
        batch_op.drop_column("render_state")
