#!/usr/bin/env bash
# Create .venv and install the pinned dependencies. Idempotent; used by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
REQ=${1:-requirements.txt}
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1; then PY=$cand; break; fi
  done
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum requirements.txt requirements-dev.txt "$REQ" | sha256sum | cut -c1-16)
# requirements-dev.txt includes requirements.txt: once it is installed, so is the other
dev_stamp=.venv/.installed-$(sha256sum requirements.txt requirements-dev.txt requirements-dev.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] && [ ! -f "$dev_stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r "$REQ"
  touch "$stamp"
fi
