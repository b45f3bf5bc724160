#!/usr/bin/env bash
# Run one command against a throwaway PostgreSQL server: scripts/with-postgres.sh .venv/bin/pytest tests/units
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv requirements/dev.txt
trap stop_postgres EXIT
start_postgres "$(mktemp -d /tmp/motcua-pg.XXXXXX)"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/motcua"
"$@"
