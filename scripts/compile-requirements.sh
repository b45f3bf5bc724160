#!/usr/bin/env bash
# Re-pin requirements/*.txt from requirements/*.in (run after editing an .in file).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_venv
for f in base dev; do
  .venv/bin/uv pip compile -q --python .venv/bin/python --custom-compile-command "$0" \
    "requirements/$f.in" -o "requirements/$f.txt"
done
