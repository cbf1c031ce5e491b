"""report indexes: lists and duplicates per edition, people who left

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 04:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

LEFT = "kind IN ('unsubscribed', 'complaint')"


def upgrade() -> None:
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delivery_duplicate_list",
            ["edition_id", "possibly_duplicate", "list_id"],
            unique=False,
        )
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_consent_event_left",
            ["subscriber_id", "at"],
            unique=False,
            sqlite_where=sa.text(LEFT),
            postgresql_where=sa.text(LEFT),
        )


def downgrade() -> None:
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_event_left")
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_delivery_duplicate_list")
