"""consent texts by version, and the consent proof kept after a retention erasure

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 20:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version", "language", "digest"),
    )
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_text_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_consent_event_consent_text_id_consent_text",
            "consent_text",
            ["consent_text_id"],
            ["id"],
        )
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_proof_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_subscriber_consent_proof_hash", ["consent_proof_hash"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_index("ix_subscriber_consent_proof_hash")
        batch_op.drop_column("consent_proof_hash")
    with op.batch_alter_table("consent_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_consent_event_consent_text_id_consent_text", type_="foreignkey"
        )
        batch_op.drop_column("consent_text_id")
    op.drop_table("consent_text")
