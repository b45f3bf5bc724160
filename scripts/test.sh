#!/usr/bin/env bash
# One command: every check and the whole test suite, on SQLite and then on a PostgreSQL server
# started here and stopped afterwards. Extra arguments go to pytest (e.g. -k workdays).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv requirements/dev.txt
ensure_test_system_packages
export PATH="$PWD/.venv/bin:$PATH" OMP_THREAD_LIMIT=1 DJANGO_ALLOW_ASYNC_UNSAFE=true

echo "== ruff"
ruff check src tests bench
ruff format --check src tests bench
echo "== mypy (pure modules)"
mypy
echo "== django checks"
DATABASE_URL="sqlite:///:memory:" motcua check --fail-level WARNING
DATABASE_URL="sqlite:///:memory:" motcua makemigrations --check --dry-run >/dev/null

echo "== tests on SQLite"
unset DATABASE_URL
pytest -p no:cacheprovider "$@"

echo "== tests on PostgreSQL"
trap stop_postgres EXIT
start_postgres "$(mktemp -d /tmp/motcua-pg.XXXXXX)"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/motcua"
pytest -p no:cacheprovider "$@"
