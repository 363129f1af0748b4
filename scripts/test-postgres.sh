#!/usr/bin/env bash
# The service test suite again on a throwaway PostgreSQL cluster: production runs PostgreSQL,
# so nothing may work on SQLite only. Uses the PostgreSQL found on the machine, or installs
# Debian's; says so and stops (exit 0) only when neither is possible.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
find_pg() {
  command -v initdb 2>/dev/null && return
  ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1
}
INITDB="$(find_pg || true)"
if [ -z "$INITDB" ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
  INITDB="$(find_pg || true)"
fi
if [ -z "$INITDB" ]; then
  echo "test-postgres: no PostgreSQL on this machine and none installable; skipped"
  exit 0
fi
PGBIN="$(dirname "$INITDB")"
DIR="$(mktemp -d)"
PORT="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
AS=()
if [ "$(id -u)" -eq 0 ]; then  # PostgreSQL refuses to run as root
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown -R postgres "$DIR"
  AS=(runuser -u postgres --)
fi
"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -A trust -U eap >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c fsync=off" -l "$DIR/log" -w start >/dev/null
trap '"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$DIR"' EXIT
python - "$PORT" <<'PY'
import sys

import psycopg

with psycopg.connect(f"host=127.0.0.1 port={sys.argv[1]} user=eap dbname=postgres", autocommit=True) as c:
    c.execute("CREATE DATABASE eaptest")
PY
EAP_TEST_DATABASE_URL="postgresql+psycopg://eap@127.0.0.1:$PORT/eaptest" \
  python -m pytest tests --ignore=tests/browser -q -p no:cacheprovider
