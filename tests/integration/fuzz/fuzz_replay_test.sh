#!/usr/bin/env bash
# kafkit-fuzz replay: a hand-made finding file (one truncated frame sent with a half-close,
# then a connection with a valid ApiVersions request and the sentinel) replays against
# kafkit-broker, which survives it; a file that is not a finding and a missing -b are usage
# errors (exit 2); a replay against a dead broker reports that it did not survive (exit 1).
# Usage: fuzz_replay_test.sh PATH/TO/kafkit-broker PATH/TO/kafkit-fuzz
set -euo pipefail
broker_exe=$1
fuzz_exe=$2
work=$(mktemp -d /tmp/kafkit-fuzz-replay-XXXXXX)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill -9 "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
start_broker

f=$work/hand.kfz
# Connection 1: a frame that claims 100 bytes but carries 10, then end of stream.
# Connection 2: ApiVersions v0 (correlation 5, null client id), then the sentinel
# (ApiVersions v0, correlation 0x7f5e7e11, client id "kafkit-fuzz-sentinel").
{
  printf 'kafkit-fuzz finding\nkind: hand-made\nseed: 0\ncase: 0\napi: ApiVersions v0\n'
  printf 'mutation: truncate\nconnections: 2\n\n'
  printf 'conn 14 half-close\n\x00\x00\x00\x64\x00\x12\x00\x00\x00\x00\x00\x05\xff\xff\n'
  printf 'conn 48 open\n'
  printf '\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x05\xff\xff'
  printf '\x00\x00\x00\x1e\x00\x12\x00\x00\x7f\x5e\x7e\x11\x00\x14kafkit-fuzz-sentinel\n'
} >"$f"

rc=0
timeout -s KILL 60 "$fuzz_exe" replay "$f" -b "$bootstrap" --timeout-ms 3000 >"$work/out" || rc=$?
cat "$work/out"
[ "$rc" = 0 ] || fail "replay exited $rc"
grep -q '^replay .*: kind=hand-made seed=0 case=0 api=ApiVersions v0 mutation=truncate$' \
  "$work/out" || fail "header line"
grep -q '^connection 1: sent 14 bytes, 0 responses, closed by the broker$' "$work/out" ||
  fail "connection 1 line"
grep -q '^connection 2: sent 48 bytes, 2 responses, answered$' "$work/out" ||
  fail "connection 2 line"
grep -q '^probe: ApiVersions + Metadata answered$' "$work/out" || fail "probe line"
grep -q '^result: broker survived$' "$work/out" || fail "result line"

# Usage errors: exit 2.
printf 'not a finding\n' >"$work/bad.kfz"
rc=0
"$fuzz_exe" replay "$work/bad.kfz" -b "$bootstrap" >/dev/null 2>"$work/err" || rc=$?
[ "$rc" = 2 ] || fail "a non-finding file exited $rc"
grep -q 'not a kafkit-fuzz finding' "$work/err" || fail "bad file message: $(cat "$work/err")"
rc=0
"$fuzz_exe" replay "$f" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "replay without -b exited $rc"
rc=0
"$fuzz_exe" broker -b "$bootstrap" --cases x >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "--cases x exited $rc"

# A dead broker: the replay reports it (exit 1).
kill -9 "$broker_pid"
wait "$broker_pid" 2>/dev/null || true
broker_pid=
rc=0
timeout -s KILL 60 "$fuzz_exe" replay "$f" -b "$bootstrap" --timeout-ms 1000 >"$work/out" || rc=$?
cat "$work/out"
[ "$rc" = 1 ] || fail "replay against a dead broker exited $rc"
grep -q '^result: broker did NOT survive$' "$work/out" || fail "dead broker result line"
echo "PASS"
