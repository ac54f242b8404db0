#!/usr/bin/env bash
# Rehearse the cutover from the Django site, end to end, against local PostgreSQL databases.
#
# The sample dump plays "Django production"; a fresh database plays ours. Every step of
# docs/operations/cutover.md runs with the real commands, and its duration is printed.
#
#   PG_URL      a PostgreSQL server URL whose role may create databases
#               (default postgresql://pydotorg:pydotorg-ci@127.0.0.1:5432/postgres)
#   DUMP        the Django dump (default ../shared/reference/django-db/pythondotorg-sample.sql.gz)
#   PORT        where our site is started for the smoke checks (default 8765)
#
# Exit status: 0 when every step passed. The databases pydotorg_rehearsal_django and
# pydotorg_rehearsal_site are dropped and recreated at the start.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
PG_URL=${PG_URL:-postgresql://pydotorg:pydotorg-ci@127.0.0.1:5432/postgres}
DUMP=${DUMP:-$HERE/../shared/reference/django-db/pythondotorg-sample.sql.gz}
PORT=${PORT:-8765}
PYDOTORG=${PYDOTORG:-$HERE/.venv/bin/pydotorg}
BASE=${PG_URL%/*}
DJANGO_URL="$BASE/pydotorg_rehearsal_django"
SITE_URL="$BASE/pydotorg_rehearsal_site"
WORK=$(mktemp -d)
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -f "$DUMP" ] || { echo "rehearse-cutover: no dump at $DUMP (set DUMP=...)" >&2; exit 2; }
command -v psql >/dev/null || { echo "rehearse-cutover: psql is not installed" >&2; exit 2; }

export PYDOTORG_VAR_DIR="$WORK/var"
export DATABASE_URL="${SITE_URL/postgresql:/postgresql+asyncpg:}"
export PYDOTORG_SITE_URL="http://127.0.0.1:$PORT"
unset REDIS_URL

step_started=0
total_started=$(date +%s.%N)
step() { step_started=$(date +%s.%N); printf '%-58s' "$1"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%6.2f", b - a }'; }
done_step() { printf '%s s  %s\n' "$(elapsed "$step_started")" "${1:-ok}"; }
sql() { psql -qAt -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

step "0. prepare: restore the dump as Django production"
sql "$PG_URL" "DROP DATABASE IF EXISTS pydotorg_rehearsal_django WITH (FORCE)"
sql "$PG_URL" "DROP DATABASE IF EXISTS pydotorg_rehearsal_site WITH (FORCE)"
sql "$PG_URL" "CREATE DATABASE pydotorg_rehearsal_django"
sql "$PG_URL" "CREATE DATABASE pydotorg_rehearsal_site"
gunzip -c "$DUMP" | psql -q -v ON_ERROR_STOP=1 -d "$DJANGO_URL" >/dev/null
done_step "$(sql "$DJANGO_URL" "SELECT count(*) FROM users_user") users"

step "1. build our schema (pydotorg database upgrade)"
"$PYDOTORG" database upgrade --no-prompt >"$WORK/upgrade.log" 2>&1
done_step

step "2. first full import (site still on Django)"
"$PYDOTORG" import-django "$DJANGO_URL" --report "$WORK/import-1.json" >"$WORK/import-1.log" 2>&1
done_step "$(tail -2 "$WORK/import-1.log" | head -1)"

step "3. Django keeps changing during the parallel run"
since=$(date -u +%Y-%m-%dT%H:%M:%S.%N%:z)
sql "$DJANGO_URL" "UPDATE pages_page SET title = title || ' (edited)', updated = now() WHERE id IN (SELECT id FROM pages_page ORDER BY id LIMIT 2)"
sql "$DJANGO_URL" "UPDATE jobs_job SET job_title = job_title || ' (edited)', updated = now() WHERE id = (SELECT min(id) FROM jobs_job)"
done_step "3 rows changed in Django"

step "4. incremental re-sync (--since)"
"$PYDOTORG" import-django "$DJANGO_URL" --since "$since" --report "$WORK/import-2.json" >"$WORK/import-2.log" 2>&1
done_step "$(tail -2 "$WORK/import-2.log" | head -1)"

step "5. freeze writes on Django (read-only database)"
sql "$PG_URL" "ALTER DATABASE pydotorg_rehearsal_django SET default_transaction_read_only = on"
sql "$PG_URL" "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'pydotorg_rehearsal_django' AND pid <> pg_backend_pid()" >/dev/null
done_step

step "6. final re-sync and verification"
"$PYDOTORG" import-django "$DJANGO_URL" --report "$WORK/import-3.json" >"$WORK/import-3.log" 2>&1
grep -q '"ok": true' "$WORK/import-3.json"
done_step "$(tail -2 "$WORK/import-3.log" | head -1)"

step "7. switch traffic: start our site on the imported data"
cutover=$(date -u +%Y-%m-%dT%H:%M:%S.%N%:z)
"$PYDOTORG" run --host 127.0.0.1 --port "$PORT" --wc 1 --granian-no-access-log >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/_health/" >/dev/null 2>&1 && break; sleep 0.2; done
done_step

step "8. watch: the Django URLs answer from our site"
for path in / /downloads/ /jobs/ /events/ /api/v2/downloads/release/ /about/; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
  [ "$code" = 200 ] || { echo "FAILED: $path answered $code"; exit 1; }
done
done_step "6 URLs answered 200"

step "9. writes happen on our side after the switch"
printf 'correct horse battery staple 42\n' | "$PYDOTORG" create-superuser --username rehearsal-admin \
  --email rehearsal@example.org --password-stdin --no-input >"$WORK/superuser.log" 2>&1
done_step "a new staff account"

step "10. rollback: unfreeze Django and write our changes back"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
sql "$PG_URL" "ALTER DATABASE pydotorg_rehearsal_django RESET default_transaction_read_only"
"$PYDOTORG" export-django "$DJANGO_URL" --since "$cutover" >"$WORK/export.log" 2>&1
[ "$(sql "$DJANGO_URL" "SELECT count(*) FROM users_user WHERE username = 'rehearsal-admin'")" = 1 ]
done_step "$(tail -1 "$WORK/export.log")"

printf '%-58s%s s\n' "rehearsal complete" "$(elapsed "$total_started")"
