#!/usr/bin/env bash
# One command: environment, browser, lint, and the whole test suite (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
   || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium chromium-driver fonts-noto-cjk
fi
bash scripts/setup.sh requirements-dev.txt
source scripts/env.sh
# A Redis (shared cache, the scaled-out test's page state) and a PostgreSQL (the scaled-out
# test, the PostgreSQL pass): the machine's, or throwaway ones from Debian's packages.
source scripts/test-services.sh
ensure_redis
ensure_postgres
ruff check .
ruff format --check .
mypy  # the type checker over eap/ (settings in pyproject.toml)
# The whole run: the service tests again on PostgreSQL (production's database) run beside the
# SQLite pass, whose browser tests spend most of their time waiting on pages; one after the
# other the two passes come near CI's 30 minutes. Only some tests asked for: just those.
pg_pid=""
if [ "$#" -eq 0 ]; then
  PG_LOG="$(mktemp)"
  bash scripts/test-postgres.sh > "$PG_LOG" 2>&1 &
  pg_pid=$!
fi
# pytest exits 5 when it collects no test; that (and any failure) fails the run.
status=0
# Tests that make their own SQLite database run alike in either pass: the PostgreSQL pass runs
# them, this one (the longer, with the browser tests) skips them (tests/conftest.py).
if [ -n "$pg_pid" ]; then export EAP_SKIP_OWN_SQLITE=1; fi
python -m pytest "$@" || status=$?
if [ -n "$pg_pid" ]; then
  pg_status=0
  wait "$pg_pid" || pg_status=$?
  echo "==================== the PostgreSQL pass ===================="
  cat "$PG_LOG"
  rm -f "$PG_LOG"
  [ "$status" -ne 0 ] || status=$pg_status
fi
exit $status
