#!/usr/bin/env bash
# Bring every app instance and job worker to RELEASE, one at a time, without dropping a request.
#
#   scripts/rolling-deploy.sh RELEASE_DIR
#
# A release is a directory whose bin/pydotorg runs that release's code (a virtual environment with the wheel
# installed is one). For each running instance: start RELEASE on a free slot, wait until it is ready, put it in
# the balancer, take the old one out (drain: no new requests, wait for its open ones), then stop it (SIGTERM:
# it reports not ready, finishes in-flight requests, exits). The migrations run first: they only expand the
# schema (docs/operations/migrations.md), so the old release keeps serving on it. With nothing running, it
# starts PYDOTORG_INSTANCES instances (a first deploy). docs/operations/deploy.md has the whole procedure.
#
# Settings (environment):
#   PYDOTORG_HOME        where run/ (pid files, logs) and the current/previous links live   (/srv/pydotorg)
#   PYDOTORG_ENV_FILE    sourced before starting anything: DATABASE_URL, REDIS_URL, ...      ($PYDOTORG_HOME/env)
#   PYDOTORG_SLOT_PORTS  one port per HAProxy server slot app1, app2, ...                    ("8001 8002 8003 8004")
#   PYDOTORG_INSTANCES   instances on a first deploy                                         (2)
#   PYDOTORG_WEB_WORKERS Granian workers per instance                                        (2)
#   PYDOTORG_WORKERS     SAQ job workers (0 without Redis)                                   (1)
#   HAPROXY_SOCKET       HAProxy's runtime API (deploy/haproxy.cfg)                          (/run/haproxy/pydotorg.sock)
#   HAPROXY_BACKEND      the backend holding the slots                                       (pydotorg)
#   READY_TIMEOUT        seconds a new instance may take to become ready                     (120)
#   DRAIN_TIMEOUT        seconds an old instance may take to finish its requests             (30)
#   SKIP_MIGRATIONS      1: do not run `pydotorg database upgrade` (a rollback sets it)
#   PYDOTORG_SUPERVISOR  "process": this script starts the processes itself (pid files in run/), or "systemd":
#                        it points $PYDOTORG_HOME/slots/<app1|worker1|...> at the release and starts or stops the
#                        units pydotorg-web@N / pydotorg-worker@N (deploy/systemd/)                      (process)
#
# Exit status: 0 when every instance runs RELEASE; otherwise the old instances that were not replaced keep
# serving, the new one that failed is stopped, and the log names the step.
set -euo pipefail

RELEASE=$(cd "${1:?usage: rolling-deploy.sh RELEASE_DIR}" && pwd)
NAME=$(basename "$RELEASE")
PYDOTORG_HOME=${PYDOTORG_HOME:-/srv/pydotorg}
RUN="$PYDOTORG_HOME/run"
ENV_FILE=${PYDOTORG_ENV_FILE:-$PYDOTORG_HOME/env}
read -r -a PORTS <<<"${PYDOTORG_SLOT_PORTS:-8001 8002 8003 8004}"
INSTANCES=${PYDOTORG_INSTANCES:-2}
WEB_WORKERS=${PYDOTORG_WEB_WORKERS:-2}
WORKERS=${PYDOTORG_WORKERS:-1}
HAPROXY_SOCKET=${HAPROXY_SOCKET:-/run/haproxy/pydotorg.sock}
BACKEND=${HAPROXY_BACKEND:-pydotorg}
READY_TIMEOUT=${READY_TIMEOUT:-120}
DRAIN_TIMEOUT=${DRAIN_TIMEOUT:-30}
STOP_TIMEOUT=${STOP_TIMEOUT:-60}
SUPERVISOR=${PYDOTORG_SUPERVISOR:-process}
SLOTS="$PYDOTORG_HOME/slots"

[ -x "$RELEASE/bin/pydotorg" ] || { echo "no $RELEASE/bin/pydotorg: not a release" >&2; exit 2; }
mkdir -p "$RUN"
if [ -f "$ENV_FILE" ]; then set -a; . "$ENV_FILE"; set +a; fi

say() { printf '%s deploy %s: %s\n' "$(date -u +%H:%M:%S)" "$NAME" "$*"; }

# HAProxy's runtime API: one command, its answer on stdout.
hap() {
  printf '%s\n' "$1" | python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
sys.stdout.write(s.makefile().read())' "$HAPROXY_SOCKET"
}

# "<status> <current sessions>" of slot N's server, from `show stat`.
server_stat() {
  hap "show stat" | awk -F, -v b="$BACKEND" -v s="app$1" '$1 == b && $2 == s { print $18, $5 }'
}

unit() { case $1 in app*) echo "pydotorg-web@${1#app}" ;; *) echo "pydotorg-worker@${1#worker}" ;; esac; }

alive() {
  if [ "$SUPERVISOR" = systemd ]; then systemctl is-active --quiet "$(unit "$1")"; return; fi
  [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null
}

start() {  # start <what> <release> <command...>: a process of its own group, its pid in run/<what>.pid
  local what=$1 release=$2
  shift 2
  basename "$release" >"$RUN/$what.release"
  if [ "$SUPERVISOR" = systemd ]; then
    # the unit runs $SLOTS/<what>/bin/pydotorg with the port and release name from $SLOTS/<what>.env
    mkdir -p "$SLOTS"
    ln -sfn "$release" "$SLOTS/$what"
    printf 'PYDOTORG_RELEASE=%s\nPORT=%s\n' "$(basename "$release")" "${PORT:-}" >"$SLOTS/$what.env"
    systemctl restart "$(unit "$what")"
    return
  fi
  PYDOTORG_RELEASE=$(basename "$release") setsid "$release/bin/pydotorg" "$@" >>"$RUN/$what.log" 2>&1 </dev/null &
  echo $! >"$RUN/$what.pid"
}

stop() {  # SIGTERM, bounded wait, then SIGKILL the group
  local what=$1 pid
  if [ "$SUPERVISOR" = systemd ]; then systemctl stop "$(unit "$what")"; return; fi  # TimeoutStopSec bounds it
  alive "$what" || { rm -f "$RUN/$what.pid"; return 0; }
  pid=$(cat "$RUN/$what.pid")
  kill -TERM "$pid"
  for _ in $(seq "$((STOP_TIMEOUT * 5))"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then say "$what did not stop in ${STOP_TIMEOUT}s: killed"; kill -KILL -- "-$pid" || true; fi
  rm -f "$RUN/$what.pid"
}

wait_ready() {  # wait_ready <slot>: the instance answers ready, then HAProxy's check has it UP
  local n=$1 port=${PORTS[$(($1 - 1))]} deadline=$((SECONDS + READY_TIMEOUT))
  until curl -fsS -o /dev/null -H "Host: ${PYDOTORG_SITE_HOST:-www.python.org}" \
    "http://127.0.0.1:$port/_health/ready?scope=instance" 2>/dev/null; do
    alive "app$n" || { say "app$n exited while starting; see $RUN/app$n.log"; return 1; }
    [ $SECONDS -lt "$deadline" ] || { say "app$n not ready after ${READY_TIMEOUT}s"; return 1; }
    sleep 0.2
  done
  hap "set server $BACKEND/app$n state ready" >/dev/null
  until [ "$(server_stat "$n" | cut -d' ' -f1)" = "UP" ]; do
    [ $SECONDS -lt "$deadline" ] || { say "HAProxy does not see app$n up"; return 1; }
    sleep 0.2
  done
}

drain() {  # no new requests to slot N; wait (bounded) until it has none open
  local n=$1 deadline=$((SECONDS + DRAIN_TIMEOUT))
  hap "set server $BACKEND/app$n state drain" >/dev/null
  while [ "$(server_stat "$n" | cut -d' ' -f2)" != "0" ] && [ $SECONDS -lt "$deadline" ]; do sleep 0.2; done
  hap "set server $BACKEND/app$n state maint" >/dev/null
}

free_slot() {
  local n
  for n in $(seq "${#PORTS[@]}"); do alive "app$n" || { echo "$n"; return 0; }; done
  return 1
}

launch() {  # launch <slot>: start RELEASE there and wait until the balancer sends it requests
  local n=$1
  PORT=${PORTS[$((n - 1))]} start "app$n" "$RELEASE" run --host 127.0.0.1 --port "${PORTS[$((n - 1))]}" \
    --wc "$WEB_WORKERS"
  if ! wait_ready "$n"; then hap "set server $BACKEND/app$n state maint" >/dev/null || true; stop "app$n"; exit 1; fi
  say "app$n (port ${PORTS[$((n - 1))]}) serves $NAME"
}

if [ "${SKIP_MIGRATIONS:-0}" != 1 ]; then
  say "migrations (expand only: the running release keeps working on the new schema)"
  "$RELEASE/bin/pydotorg" database upgrade --no-prompt
fi

old=()
for n in $(seq "${#PORTS[@]}"); do alive "app$n" && old+=("$n"); done
if [ ${#old[@]} -eq 0 ]; then
  for _ in $(seq "$INSTANCES"); do launch "$(free_slot)"; done
else
  for n in "${old[@]}"; do
    if [ "$(cat "$RUN/app$n.release")" = "$NAME" ]; then say "app$n already serves $NAME"; continue; fi
    new=$(free_slot) || { say "no free slot: add one to deploy/haproxy.cfg"; exit 1; }
    launch "$new"
    drain "$n"
    stop "app$n"
    say "app$n ($(cat "$RUN/app$n.release")) stopped"
  done
fi

# Job workers: the new ones first, then SIGTERM to the old (SAQ finishes the jobs they hold; an unfinished one
# is retried by its queue).
for n in $(seq "$WORKERS"); do
  previous=""
  if alive "worker$n"; then
    [ "$(cat "$RUN/worker$n.release")" = "$NAME" ] && continue
    [ "$SUPERVISOR" = systemd ] || previous=$(cat "$RUN/worker$n.pid")
  fi
  start "worker$n" "$RELEASE" workers run  # under systemd: a restart (stop, which lets jobs finish, then start)
  if [ -n "$previous" ]; then kill -TERM "$previous" 2>/dev/null || true; fi
done

current=$(readlink "$PYDOTORG_HOME/current" 2>/dev/null || true)
if [ -n "$current" ] && [ "$current" != "$RELEASE" ]; then ln -sfn "$current" "$PYDOTORG_HOME/previous"; fi
ln -sfn "$RELEASE" "$PYDOTORG_HOME/current"
say "done"
