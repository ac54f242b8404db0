"""redirects: the legacy rules python.org's nginx served (prefix and regex matches, 301 or 302)

Revision ID: 3e8a51c7d2f4
Revises: 7c41d2e9a0b3
Create Date: 2026-12-04 14:40:00

"""

import sqlalchemy as sa
from alembic import op

__all__ = ["downgrade", "upgrade"]

revision = "3e8a51c7d2f4"
down_revision = "7c41d2e9a0b3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redirects_legacyredirect",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pattern", sa.String(length=200), nullable=False),
        sa.Column("match", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redirects_legacyredirect")),
        sa.UniqueConstraint("pattern", name=op.f("uq_redirects_legacyredirect_pattern")),
    )


def downgrade() -> None:
    op.drop_table("redirects_legacyredirect")
