# Shared helpers for scripts/*.sh. Sourced, never run.
# shellcheck shell=bash

UV_VERSION=0.13.9

find_python() {
  # Any CPython >= 3.12 will do; pyenv shims answer even when the version is not selected, so
  # each candidate is asked to run.
  local c
  for c in "${MOTCUA_PYTHON:-}" python3.12 python3.13 python3 \
           /usr/bin/python3.12 /usr/bin/python3.13 \
           "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.1[3-9]*/bin/python3; do
    [ -n "$c" ] || continue
    if "$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      command -v "$c" || echo "$c"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  # Creates .venv and installs the pinned requirements; re-syncs only when a lock file changed.
  local req="${1:-requirements/dev.txt}"
  if [ ! -x .venv/bin/python ]; then
    local py
    if ! py=$(find_python); then
      echo "motcua cần Python 3.12 trở lên / motcua needs Python >= 3.12: install it (e.g. apt-get install python3.12 python3.12-venv) and run this again." >&2
      exit 1
    fi
    "$py" -m venv .venv
  fi
  if [ ! -x .venv/bin/uv ]; then
    .venv/bin/python -m pip install -q "uv==$UV_VERSION"
  fi
  local stamp=".venv/.synced-$(basename "$req")"
  if [ ! -f "$stamp" ] || [ "$req" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/uv pip sync -q --python .venv/bin/python "$req"
    .venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
    # Some machines set PYTHONDONTWRITEBYTECODE: without these .pyc files every process (each
    # test subprocess, each worker) would compile Django and the data packages again (~15 s).
    .venv/bin/python -m compileall -q -j 0 .venv/lib/python*/site-packages src >/dev/null 2>&1 || true
    rm -f .venv/.synced-*
    touch "$stamp"
  fi
}

apt_install_missing() {
  # apt_install_missing CHECK_PATH PACKAGE... — installs the Debian packages when CHECK_PATH is absent.
  local check="$1"; shift
  if [ -e "$check" ] || compgen -G "$check" >/dev/null; then return 0; fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing $* (Debian packages) ..." >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null 2>&1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
  }
}

ensure_test_system_packages() {
  apt_install_missing "/usr/lib/postgresql/*/bin/pg_ctl" postgresql
  apt_install_missing /usr/bin/chromium chromium
  apt_install_missing /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf fonts-liberation2
  apt_install_missing /usr/bin/pdftoppm poppler-utils
  apt_install_missing /usr/bin/zbarimg zbar-tools
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

free_port() {
  .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_postgres DIR — a throwaway cluster owned by an unprivileged user; sets PG_DIR, PG_PORT.
start_postgres() {
  PG_DIR="$1"
  PG_PORT=$(free_port)
  local bin run_as=()
  bin=$(pg_bin)
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PG_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run_as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  export PG_DIR PG_PORT
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  local run_as=()
  [ "$(id -u)" -eq 0 ] && run_as=(runuser -u postgres --)
  "${run_as[@]}" "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
