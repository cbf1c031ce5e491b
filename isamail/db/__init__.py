"""Database: tables, engine and migrations.

The constants here are shared by ``engine`` (SQLAlchemy) and ``readonly`` (plain DB-API,
for `isamail report`), which must not import each other's dependencies at start-up.
"""

# The newest migration. Every command opens the database and checks its schema; comparing
# with this constant needs neither Alembic nor the migration scripts (half a second at
# start-up). A test holds it equal to Alembic's head.
SCHEMA_HEAD = "0006"

SQLITE_BUSY_TIMEOUT_MS = 30_000
