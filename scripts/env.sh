# Sourced by run.sh and test.sh: offline Reflex build with the venv's Node 24 and npm.
export PATH="$PWD/.venv/bin:$PATH"
export REFLEX_USE_NPM=1
export REFLEX_TELEMETRY_ENABLED=0
export REFLEX_CHECK_LATEST_VERSION=0
export PYTHONUNBUFFERED=1
