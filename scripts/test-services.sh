# Sourced by test.sh and test-postgres.sh: a PostgreSQL and a Redis for the tests. The machine's
# own when they answer (127.0.0.1:5432 with trust, 127.0.0.1:6379), else throwaway ones from
# Debian's packages, stopped when the calling script exits. Exports EAP_PG_ADMIN_URL (a
# superuser's URL; tests create their own databases there).

_sudo() { if [ "$(id -u)" -ne 0 ]; then sudo "$@"; else "$@"; fi; }

redis_up() { python -c "import redis; redis.Redis(port=6379, socket_timeout=1).ping()" 2>/dev/null; }

ensure_redis() {
  redis_up && return 0
  if ! command -v redis-server >/dev/null 2>&1; then
    _sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive _sudo apt-get install -y -q redis-server
  fi
  redis-server --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 20); do redis_up && return 0; sleep 0.5; done
  echo "test-services: Redis did not start" >&2
  return 1
}

pg_up() {
  python - "$1" <<'PY' 2>/dev/null
import sys

import psycopg

psycopg.connect(sys.argv[1], connect_timeout=2).close()
PY
}

_find_initdb() {
  command -v initdb 2>/dev/null && return
  ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1
}

ensure_postgres() {
  if [ -n "${EAP_PG_ADMIN_URL:-}" ] && pg_up "$EAP_PG_ADMIN_URL"; then return 0; fi
  if pg_up "postgresql://postgres@127.0.0.1:5432/postgres"; then
    export EAP_PG_ADMIN_URL="postgresql://postgres@127.0.0.1:5432/postgres"
    return 0
  fi
  local initdb
  initdb="$(_find_initdb || true)"
  if [ -z "$initdb" ] && command -v apt-get >/dev/null 2>&1; then
    _sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive _sudo apt-get install -y -q postgresql
    initdb="$(_find_initdb || true)"
  fi
  if [ -z "$initdb" ]; then
    echo "test-services: no PostgreSQL on this machine and none installable" >&2
    return 1
  fi
  PG_BIN="$(dirname "$initdb")"
  PG_DIR="$(mktemp -d)"
  local port
  port="$(python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then  # PostgreSQL refuses to run as root
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U eap >/dev/null
  "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -o "-p $port -k $PG_DIR -c fsync=off" \
    -l "$PG_DIR/log" -w start >/dev/null
  trap '"${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1; rm -rf "$PG_DIR"' EXIT
  export EAP_PG_ADMIN_URL="postgresql://eap@127.0.0.1:$port/postgres"
}
