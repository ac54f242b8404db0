#!/usr/bin/env bash
# Roll the code back one release: the previous release replaces the current one, instance by instance, exactly
# as a deploy does (scripts/rolling-deploy.sh), but without running migrations: the schema stays where it is.
# The previous release runs on it because every migration since only expanded it (docs/operations/rollback.md);
# each instance's readiness check refuses a schema older than its code, never a newer one.
#
#   scripts/rollback.sh              back to $PYDOTORG_HOME/previous
#   scripts/rollback.sh RELEASE_DIR  back to that release
#
# The same settings as rolling-deploy.sh. Afterwards `current` names the release rolled back to and `previous`
# the one rolled back from, so running it twice returns to where it started.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PYDOTORG_HOME=${PYDOTORG_HOME:-/srv/pydotorg}
target=${1:-$(readlink "$PYDOTORG_HOME/previous" 2>/dev/null || true)}
if [ -z "$target" ]; then
  echo "no previous release recorded in $PYDOTORG_HOME/previous: name one" >&2
  exit 2
fi
echo "rolling back from $(readlink "$PYDOTORG_HOME/current" 2>/dev/null || echo '?') to $target"
SKIP_MIGRATIONS=1 exec "$HERE/rolling-deploy.sh" "$target"
