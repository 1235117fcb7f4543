#!/usr/bin/env bash
# Start a fresh, EMPTY Wharf under gunicorn for benchmarks; prints nothing but writes
# $BENCH_DIR/{pid,token,url,server.log}. Usage: bench/serve_wharf.sh start|stop [embedded|production]
#   embedded:   SQLite + in-process cache, one gunicorn process with threads (what `make run` gives)
#   production: PostgreSQL (database wharf_bench_PORT) + Redis db $WHARF_BENCH_REDIS_DB (default 2; keys
#               and the Celery queue named bench-PORT), WEB_CONCURRENCY workers (default cores+1)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/wharf-bench}
PORT=${WHARF_BENCH_PORT:-18090}
MODE=${2:-production}
REDIS_DB=${WHARF_BENCH_REDIS_DB:-2}
PY=$HERE/.venv/bin/python
case "${1:-}" in
start)
  "$0" stop >/dev/null 2>&1 || true
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "port $PORT already serves something: stop it, or set WHARF_BENCH_PORT (measuring it would be wrong)" >&2
    exit 1
  fi
  # A fresh clone has no .venv yet: make creates it and installs the pinned runtime (nothing to do once done).
  make -C "$HERE" --no-print-directory .venv/.runtime >/dev/null
  rm -rf "$BENCH_DIR" && mkdir -p "$BENCH_DIR/data"
  export WHARF_DATA_DIR=$BENCH_DIR/data DJANGO_SECRET_KEY=bench-secret-key
  # One bench account creates hundreds of projects and uploads thousands of files: lift the spam-wave limits
  # (20 new projects an hour per user, 40 per IP, 1,000 uploads an hour per token); they are still counted.
  export WHARF_PROJECT_CREATE_USER_RATE=100000/hour WHARF_PROJECT_CREATE_IP_RATE=100000/hour
  export WHARF_UPLOAD_TOKEN_RATE=100000/hour
  if [ "$MODE" = production ]; then
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS wharf_bench_$PORT WITH (FORCE)" >/dev/null
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE wharf_bench_$PORT" >/dev/null
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/wharf_bench_$PORT REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB
    export WHARF_CACHE_PREFIX=bench-$PORT WHARF_CELERY_QUEUE=bench-$PORT
    redis-cli -n "$REDIS_DB" --scan --pattern "bench-$PORT*" | xargs -r redis-cli -n "$REDIS_DB" del >/dev/null
  fi
  cd "$HERE"
  $PY manage.py migrate --noinput -v 0
  $PY manage.py createuser bench --email bench@example.com --password bench-password --verified-email 2>/dev/null
  $PY manage.py mint_token bench > "$BENCH_DIR/token"
  env | grep -E '^(DATABASE_URL|REDIS_URL|WHARF_DATA_DIR|DJANGO_SECRET_KEY|WHARF_CACHE_PREFIX|WHARF_CELERY_QUEUE|WHARF_PROJECT_CREATE_[A-Z_]+|WHARF_UPLOAD_TOKEN_RATE)=' > "$BENCH_DIR/env" || true
  setsid "$HERE/.venv/bin/gunicorn" --config config/gunicorn.conf.py --bind "127.0.0.1:$PORT" \
      config.wsgi:application > "$BENCH_DIR/server.log" 2>&1 < /dev/null &
  echo $! > "$BENCH_DIR/pid"
  echo "http://127.0.0.1:$PORT" > "$BENCH_DIR/url"
  for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/simple/" && break; sleep 0.1; done
  ;;
stop)
  if [ -f "$BENCH_DIR/pid" ]; then kill "$(cat "$BENCH_DIR/pid")" 2>/dev/null || true; rm -f "$BENCH_DIR/pid"; fi
  ;;
*) echo "usage: $0 start|stop [embedded|production]"; exit 2;;
esac
