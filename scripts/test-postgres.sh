#!/usr/bin/env bash
# The service test suite again on PostgreSQL: production runs PostgreSQL, so nothing may work on
# SQLite only. A fresh database on the PostgreSQL of scripts/test-services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/test-services.sh
ensure_postgres
DB="eaptest_$$"
admin() { python - "$EAP_PG_ADMIN_URL" "$1" <<'PY'
import sys

import psycopg

with psycopg.connect(sys.argv[1], autocommit=True) as c:
    c.execute(sys.argv[2])
PY
}
admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
admin "CREATE DATABASE $DB"
BASE="${EAP_PG_ADMIN_URL%/*}"
status=0
# Its own temporary folder: pytest prunes older runs' folders under one shared root.
BASETEMP="$(mktemp -d)/pytest"
# Its own Redis database: it runs beside the SQLite pass, whose cache tests flush theirs.
EAP_TEST_REDIS_URL="${EAP_TEST_REDIS_URL_PG:-redis://127.0.0.1:6379/13}" \
EAP_TEST_DATABASE_URL="${BASE/postgresql:/postgresql+psycopg:}/$DB" \
  python -m pytest tests --ignore=tests/browser --ignore=tests/production -q -p no:cacheprovider \
  --basetemp="$BASETEMP" || status=$?
admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
rm -rf "$(dirname "$BASETEMP")"
exit $status
