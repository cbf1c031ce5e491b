"""bounces: how a report was attributed, the addresses it names, staff review

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bounce", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proof", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("action", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("addresses", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("reporter", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("review", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_bounce_review", ["review", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bounce", schema=None) as batch_op:
        batch_op.drop_index("ix_bounce_review")
        for name in ("reviewed_at", "review", "reporter", "addresses", "action", "proof"):
            batch_op.drop_column(name)
