"""deliveries: the reason a delivery was skipped, and the relay's id for it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("skip_reason", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("relay_id", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_delivery_relay_id", ["relay_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_relay_id")
        batch_op.drop_column("relay_id")
        batch_op.drop_column("skip_reason")
