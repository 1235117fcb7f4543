#!/usr/bin/env bash
# Wharf side by side with pypiserver and devpi, in one run on this machine. The peer harness does the
# measuring: $PEERBENCH_HOME (default: shared/bench beside this clone's directory).
# Usage: bench/peers.sh [embedded|production|both]   (default both). Sets up its own .venv on a fresh clone.
# Prints the harness's summary table; raw results land in $PEERBENCH_DIR/raw/<server>/.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# The peer harness (pypiserver, devpi, static nginx, the corpus and the load) lives outside this repository.
SHARED=${PEERBENCH_HOME:-$HERE/../../shared/bench}
if [ ! -x "$SHARED/setup.sh" ]; then
  echo "no peer harness at $SHARED: set PEERBENCH_HOME to the directory holding setup.sh and peerbench.py" >&2
  exit 2
fi
SHARED=$(cd "$SHARED" && pwd)
export PEERBENCH_DIR=${PEERBENCH_DIR:-${TMPDIR:-/tmp}/peerbench}
MODES=${1:-both}
[ "$MODES" = both ] && MODES="embedded production"

"$SHARED/setup.sh"
order=""
for mode in $MODES; do
  name="wharf-$mode"
  # Beside the peers' data, on the same disk: every server pays the same for creating files.
  export BENCH_DIR="$PEERBENCH_DIR/run/$name" WHARF_BENCH_PORT=18093
  rm -rf "$PEERBENCH_DIR/raw/$name"
  "$HERE/serve_wharf.sh" start "$mode"
  "$SHARED/bench_server.sh" "$name" "http://127.0.0.1:$WHARF_BENCH_PORT/simple/" \
      "http://127.0.0.1:$WHARF_BENCH_PORT/legacy/" __token__ "$(cat "$BENCH_DIR/token")" "$(cat "$BENCH_DIR/pid")" -- \
      --json-api "http://127.0.0.1:$WHARF_BENCH_PORT/pypi/{name}/json"
  "$HERE/serve_wharf.sh" stop
  order="$order$name,"
done
"$SHARED/run_all_peers.sh"
"$PEERBENCH_DIR/venvs/client/bin/python" "$SHARED/peerbench.py" summarize --order "${order}pypiserver,devpi,nginx-static"
