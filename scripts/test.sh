#!/usr/bin/env bash
# The whole test suite, once on the embedded SQLite and once on PostgreSQL.
set -uo pipefail
cd "$(dirname "$0")/.."

PG_URL="${TEST_POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/test}"
BIN=.venv/bin

ensure_postgres() {
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "PostgreSQL is not running; starting it."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && return 0
    sleep 1
  done
  echo "PostgreSQL is not reachable on 127.0.0.1:5432." >&2
  return 1
}

# The storefront's browser tests drive Debian's Chromium (Playwright never downloads one).
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  echo "Chromium is missing; installing Debian's chromium for the browser tests."
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
}

status=0
ensure_chromium || { echo "Chromium could not be installed." >&2; status=1; }
echo "== tests on SQLite =="
"$BIN/pytest" "$@" || status=1

echo "== tests on PostgreSQL =="
if ensure_postgres; then
  TEST_DATABASE_URL="$PG_URL" "$BIN/pytest" "$@" || status=1
else
  status=1
fi
exit $status
