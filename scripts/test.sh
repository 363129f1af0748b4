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
# pytest exits 5 when it collects no test; set -e turns that (and any failure) into a failed run.
python -m pytest "$@"
# The same services on PostgreSQL (production's database), unless only some tests were asked for.
if [ "$#" -eq 0 ]; then
  bash scripts/test-postgres.sh
fi
