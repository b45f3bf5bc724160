#!/usr/bin/env bash
# One command: set up everything (virtualenv, dependencies, SQLite database, Khánh Hòa demo data)
# and serve the demo at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv requirements/base.txt
mkdir -p var
.venv/bin/motcua migrate --noinput
.venv/bin/motcua collectstatic --noinput -v 0
.venv/bin/motcua demo
echo "motcua: http://127.0.0.1:${PORT:-8000}/ — tài khoản demo: xem README.md"
exec .venv/bin/motcua runserver "127.0.0.1:${PORT:-8000}" --noreload
