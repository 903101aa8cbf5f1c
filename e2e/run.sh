#!/usr/bin/env bash
# The browser journey (e2e/journey.mjs) against a tcr of its own: installs Debian's Chromium if
# it is missing and the npm packages from the lockfile, starts tcr on a fresh SQLite file with
# one user per role, runs the journey, and stops tcr. Exits non-zero if any step fails.
#   bash e2e/run.sh                   # uses target/debug/tcr (built if missing)
#   TCR_E2E_SHOTS=1 bash e2e/run.sh   # also screenshots of every page at 1280 and 375 px, in e2e/out
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd .. && pwd)

if [ ! -x /usr/bin/chromium ]; then
  echo "installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null; }
fi
# kept.mjs lapses a session by moving its last activity back in the SQLite file.
if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "installing Debian's sqlite3"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq sqlite3 >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq sqlite3 >/dev/null; }
fi
npm ci --no-audit --no-fund --loglevel=error

BIN=${TCR_BIN:-$ROOT/target/debug/tcr}
if [ ! -x "$BIN" ]; then (cd "$ROOT" && cargo build --locked); fi

WORK=$(mktemp -d /tmp/tcr-e2e.XXXXXX)
SERVER=""
finish() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap finish EXIT

# Waits until tcr answers on the port, or fails with its log.
wait_for() {
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$1/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$SERVER" 2>/dev/null; then cat "$2"; echo "tcr did not start"; exit 1; fi
    sleep 0.5
  done
  cat "$2"; echo "tcr did not answer on port $1"; exit 1
}

PORT=${TCR_E2E_PORT:-18765}
PASSWORD="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export TCR_DATABASE_URL="sqlite://$WORK/e2e.db?mode=rwc"
export TCR_POLICIES_DIR="$ROOT/policies"
export TCR_ADMIN_PASSWORD="$PASSWORD"
export TCR_SECRET_KEY="$(head -c 32 /dev/urandom | base64)"
export ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT="$PORT" ROCKET_LOG_LEVEL=critical

"$BIN" migrate >/dev/null
for user in "commissioner commissioner Cara Commissioner" "chair panel_chair Chris Chair" \
            "expert panel_member Erin Expert expert_by_experience" \
            "clinician panel_member Cleo Clinician clinical_expert" \
            "sam panel_member Sam Sharma expert_by_experience" "admin admin Ada Admin" \
            "analyst analyst Ann Analyst"; do
  set -- $user
  TCR_PASSWORD="$PASSWORD" "$BIN" user add "$1" --role "$2" --display-name "$3 $4" ${5:+--panel-kind "$5"} >/dev/null
done

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER=$!
wait_for "$PORT" "$WORK/server.log"

status=0
TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node journey.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node moves.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node corrections.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node kept.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node find.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node inpatients.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node imports.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node record.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$PORT" TCR_E2E_PASSWORD="$PASSWORD" node visits.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- tcr's log"; tail -n 40 "$WORK/server.log"; exit "$status"
fi
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true

# The demo tour: the same checks on pages full of data, with the demonstration banner.
DEMO_PORT=$((PORT + 1))
(cd "$WORK" && exec env -u TCR_DATABASE_URL -u TCR_ADMIN_PASSWORD ROCKET_PORT="$DEMO_PORT" \
  "$BIN" demo >"$WORK/demo.log" 2>&1) &
SERVER=$!
wait_for "$DEMO_PORT" "$WORK/demo.log"
TCR_URL="http://127.0.0.1:$DEMO_PORT" node tour.mjs || status=$?
[ "$status" -ne 0 ] || TCR_URL="http://127.0.0.1:$DEMO_PORT" node figures.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- tcr demo's log"; tail -n 40 "$WORK/demo.log"
fi
exit "$status"
