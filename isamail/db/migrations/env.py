"""Alembic environment: isamail passes its own engine in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import isamail.db.models  # noqa: F401 - registers the tables on SQLModel.metadata

engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,  # SQLite can only ALTER by copying the table
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
