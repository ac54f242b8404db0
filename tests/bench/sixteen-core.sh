#!/usr/bin/env bash
# The homepage on a many-core machine with no network at all: uncached and cached req/s and p99.
#
#   tests/bench/sixteen-core.sh prepare [BUNDLE]   here, with PyPI reachable: build BUNDLE (default var/sixteen-core)
#   BUNDLE/run.sh                                  there: install offline, seed, serve, load, print the figures
#
# The bundle holds everything the run needs, because nothing can be installed on the target:
#   wheels/   the locked runtime dependencies (requirements-prod.lock, hash-checked when fetched) as wheels for the
#             target's Python (PY_VERSION, default 3.12; manylinux x86_64), and this project's own wheel
#   requirements.txt  the lock's pins, which the offline install resolves against wheels/
#   wrk/      Debian's wrk binary with the shared libraries it links (ld.so finds them through LD_LIBRARY_PATH)
#   run.sh    a copy of this script, which runs the "run" step when started from the bundle
#
# The run is embedded mode (SQLite, in-process stores: no PostgreSQL or Redis on the target) in production
# settings, Granian with one worker per core, `pydotorg seed --volume large`; wrk runs 4 threads and 256
# connections for 20 s per measurement after a 5 s warm-up, first with the origin cache off, then on.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)

prepare() {
  local bundle=${1:-$HERE/../../var/sixteen-core} version=${PY_VERSION:-3.12}
  local repo
  repo=$(cd "$HERE/../.." && pwd)
  rm -rf "$bundle" && mkdir -p "$bundle/wheels" "$bundle/wrk"
  local work
  work=$(mktemp -d)
  # every locked package as a wheel for this interpreter, hash-checked against the lock (an sdist-only package is
  # built here); the pure-Python ones serve any Python 3, the others are fetched again for the target's
  python3 -m pip wheel --quiet --no-deps --require-hashes -r "$repo/requirements-prod.lock" -w "$work"
  for wheel in "$work"/*.whl; do
    case $wheel in
      *-none-any.whl) cp "$wheel" "$bundle/wheels/" ;;
      *) basename "$wheel" | awk -F- '{ print $1 "==" $2 }' >>"$work/binary.txt" ;;
    esac
  done
  python3 -m pip download --quiet --no-deps -r "$work/binary.txt" --python-version "$version" --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --only-binary=:all: -d "$bundle/wheels"
  python3 -m pip wheel --quiet --no-deps "$repo" -w "$bundle/wheels"
  # the pins (with their markers) the offline install resolves against the wheels folder
  sed -n 's/^\([A-Za-z0-9_.-]*==[^ ]*\)\( *;[^\\]*\)\{0,1\} *\\\{0,1\}$/\1\2/p' "$repo/requirements-prod.lock" \
    >"$bundle/requirements.txt"
  rm -rf "$work"
  local wrk
  wrk=$(command -v wrk) || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
  cp "$wrk" "$bundle/wrk/wrk"
  ldd "$wrk" | awk '/=> \// { print $3 }' | while read -r lib; do
    case $(basename "$lib") in libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*) ;; *) cp -L "$lib" "$bundle/wrk/" ;; esac
  done
  cp "$0" "$bundle/run.sh" && chmod +x "$bundle/run.sh"
  echo "bundle ready: $bundle ($(du -sh "$bundle" | cut -f1)); copy it over and start $bundle/run.sh"
}

measure() {  # measure LABEL URL: warm up, then one 20 s run; prints req/s and p99
  local label=$1 url=$2 out
  "$WRK" -t4 -c256 -d5s "$url" >/dev/null
  out=$("$WRK" -t4 -c256 -d20s --timeout 10s --latency "$url")
  printf '%-22s %10s req/s   p99 %s\n' "$label" "$(awk '/Requests\/sec/ { print $2 }' <<<"$out")" \
    "$(awk '$1 == "99%" { print $2 }' <<<"$out")"
  grep -E "Non-2xx|Socket errors" <<<"$out" || true
}

serve() {  # serve CACHE_SECONDS: start the server, wait until it answers
  PYDOTORG_RESPONSE_CACHE_SECONDS=$1 "$VENV/bin/pydotorg" run --host 127.0.0.1 --port "$PORT" --wc "$CORES" \
    >"$WORK/server-$1.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORT/_health" 2>/dev/null && return 0
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/_health', timeout=1)" \
      2>/dev/null && return 0
    sleep 0.2
  done
  echo "the server did not start; see $WORK/server-$1.log" >&2
  exit 1
}

run() {
  local bundle=$HERE python=${PYTHON:-python3.12}
  CORES=${CORES:-$(nproc)}
  PORT=${PORT:-8765}
  WORK=$(mktemp -d)
  VENV="$WORK/venv"
  WRK="$bundle/wrk/wrk"
  export LD_LIBRARY_PATH="$bundle/wrk${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  trap 'kill "${SERVER:-}" 2>/dev/null || true' EXIT
  echo "$("$python" --version) on $CORES cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --no-index --find-links "$bundle/wheels" -r "$bundle/requirements.txt"
  "$VENV/bin/pip" install --quiet --no-index --no-deps "$bundle"/wheels/pydotorg-*.whl
  export PYDOTORG_ENV=production PYDOTORG_VAR_DIR="$WORK/var" PYDOTORG_SITE_URL="http://127.0.0.1:$PORT"
  export PYDOTORG_ALLOWED_HOSTS='["127.0.0.1"]' PYDOTORG_SECRET_KEY="sixteen-core-$(date +%s%N)-not-a-real-secret"
  unset DATABASE_URL REDIS_URL
  "$VENV/bin/pydotorg" database upgrade --no-prompt >/dev/null
  "$VENV/bin/pydotorg" seed --volume large >/dev/null
  echo "homepage, $CORES Granian workers, wrk -t4 -c256 -d20s:"
  serve 0
  measure "uncached" "http://127.0.0.1:$PORT/"
  kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
  serve 60
  measure "cached (origin cache)" "http://127.0.0.1:$PORT/"
  kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}

case ${1:-run} in
  prepare) shift; prepare "$@" ;;
  run) run ;;
  *) echo "usage: $0 prepare [BUNDLE] | run" >&2; exit 2 ;;
esac
