"""covering indexes for delivery reports

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 02:39:41.388884
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delivery_report",
            [
                "edition_id",
                "status",
                "bounce_kind",
                "list_id",
                "possibly_duplicate",
                "subscriber_id",
            ],
            unique=False,
        )
        batch_op.create_index("ix_delivery_edition_sent", ["edition_id", "sent_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_edition_sent")
        batch_op.drop_index("ix_delivery_report")
