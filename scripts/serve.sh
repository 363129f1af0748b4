#!/usr/bin/env bash
# Production (README "Production"): PostgreSQL for data, Redis for page state, N web workers
# behind any reverse proxy, exactly one active scheduler. Settings come from the environment or
# .env; nothing here is a demo: no seeding, demo accounts refused, the data key required.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a
: "${EAP_DATABASE_URL:?set EAP_DATABASE_URL, e.g. postgresql+psycopg://eap:…@db-host/eap}"
: "${REFLEX_REDIS_URL:?set REFLEX_REDIS_URL, e.g. redis://redis-host:6379/0}"
: "${EAP_DATA_KEY:?set EAP_DATA_KEY (64 hex digits, the same on every machine; docs/SECURITY.md)}"
export EAP_ENV="${EAP_ENV:-production}"
export EAP_REDIS_URL="${EAP_REDIS_URL:-$REFLEX_REDIS_URL}"   # the shared cache: same Redis
export GRANIAN_WORKERS="${EAP_WORKERS:-4}"                    # web worker processes
export REFLEX_USE_NPM=1 REFLEX_TELEMETRY_ENABLED=0 REFLEX_CHECK_LATEST_VERSION=0
mkdir -p var
# Several workers share their /metrics figures through this folder (emptied at each start).
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$PWD/var/prometheus}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
echo "serve.sh: installing the Python packages (first run only)"
bash scripts/setup.sh requirements.txt
source scripts/env.sh
echo "serve.sh: bringing the database schema up to date"
python -m eap db upgrade
# One scheduler process per machine may start; the database lease lets exactly one run jobs.
if [ "${EAP_SCHEDULER_ENABLED:-true}" = "true" ]; then
  echo "serve.sh: starting the scheduler (var/scheduler.log)"
  python -m eap scheduler >> var/scheduler.log 2>&1 &
fi
trap 'kill $(jobs -p) 2>/dev/null' EXIT
echo "serve.sh: $GRANIAN_WORKERS web workers on port ${EAP_PORT:-8000} (health: /healthz, metrics: /metrics)"
# Reflex's production server (one port for pages, socket and routes), restarting a worker that
# dies instead of stopping them all (eap/cli/web.py).
python -m eap web --port "${EAP_PORT:-8000}" --workers "$GRANIAN_WORKERS"
