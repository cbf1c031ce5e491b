"""claim index in id order

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:03:55.627139
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_edition_status"))
        batch_op.create_index("ix_delivery_claim", ["edition_id", "status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_claim")
        batch_op.create_index(
            batch_op.f("ix_delivery_edition_status"), ["edition_id", "status"], unique=False
        )
