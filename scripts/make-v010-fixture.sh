#!/usr/bin/env bash
# Regenerates tests/data/v0.1.0/: a project written by isamail 0.1.0 (commit ed0b3b8), as
# SQLite file and as a plain-SQL pg_dump, built with that release's own CLI by
# tests/data/v0.1.0/build.py. Needs git, python3 and the PostgreSQL server of
# scripts/postgres.sh. The release is checked out into a throwaway worktree with its own
# virtualenv, which is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
RELEASE=ed0b3b8
OUT=$REPO/tests/data/v0.1.0
WORK=$(mktemp -d /tmp/isamail-v010.XXXXXX)
OLD=$WORK/checkout
cleanup() {
  git -C "$REPO" worktree remove --force "$OLD" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

git worktree add --detach "$OLD" "$RELEASE" >/dev/null
python3 -m venv "$OLD/.venv"
"$OLD/.venv/bin/pip" install --quiet -e "$OLD[postgres]" 'aiosmtpd>=1.4'
PY=$OLD/.venv/bin/python
rm -f "$OUT/expected.json"

# SQLite: the file as the release left it, compacted into one file (no -wal beside it)
"$PY" "$OUT/build.py" "$WORK/sqlite" --key sqlite --record "$OUT/expected.json" \
  --database-url "sqlite:///$WORK/sqlite/subscribers.db"
rm -f "$OUT/subscribers.db"
"$PY" -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("VACUUM INTO ?", (sys.argv[2],))' \
  "$WORK/sqlite/subscribers.db" "$OUT/subscribers.db"

# PostgreSQL: a fresh database, the same steps, a plain-SQL dump without owners and grants
PG=$(scripts/postgres.sh start)
DB=isamail_v010_fixture
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
"$PGBIN/dropdb" --if-exists -h 127.0.0.1 -p 54329 -U postgres "$DB"
"$PGBIN/createdb" -h 127.0.0.1 -p 54329 -U postgres "$DB"
"$PY" "$OUT/build.py" "$WORK/postgresql" --key postgresql --record "$OUT/expected.json" \
  --database-url "${PG%/*}/$DB"
"$PGBIN/pg_dump" -h 127.0.0.1 -p 54329 -U postgres --no-owner --no-privileges "$DB" \
  | grep -v '^SET transaction_timeout' >"$OUT/postgresql.sql"
"$PGBIN/dropdb" -h 127.0.0.1 -p 54329 -U postgres "$DB"
ls -l "$OUT"
