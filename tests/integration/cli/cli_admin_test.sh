#!/usr/bin/env bash
# kafkit's admin subcommands (topic, config, group) as a process against kafkit-broker:
# tables and --json, per-resource errors and exit codes, config changes surviving a
# broker restart, and consumer-group lag and offset resets checked against what kcat
# (Debian package) produced and consumed as a -G group member.
# Usage: cli_admin_test.sh PATH/TO/kafkit-broker PATH/TO/kafkit
set -euo pipefail
broker_exe=$1
kafkit_exe=$2
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test cli-admin consumer_pid
start_broker --set num.partitions=2

# kk ARGS...: kafkit against the broker, stdout to $work/out, stderr to $work/err; sets rc.
kk() {
  rc=0
  timeout 60 "$kafkit_exe" "$@" -b "$bootstrap" >"$work/out" 2>"$work/err" || rc=$?
}
# expect_rc N WHAT: the last kk exited with N.
expect_rc() {
  [ "$rc" -eq "$1" ] || fail "$2: exit $rc, want $1 (stdout: $(cat "$work/out"); stderr: $(cat "$work/err"))"
}
# one_error_line WHAT: the last kk printed exactly one line on stderr.
one_error_line() {
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$1: want one stderr line, got: $(cat "$work/err")"
}
# py EXPR: evaluates a Python expression over the last --json output, bound to j.
py() { python3 -c "import json,sys; j=json.load(open('$work/out')); print($1)"; }

# ---- topics ----
kk topic create orders --partitions 3 --config retention.ms=60000
expect_rc 0 "topic create"
[ "$(cat "$work/out")" = "$(printf 'TOPIC   RESULT\norders  created')" ] || fail "create table: $(cat "$work/out")"
kk topic create orders
expect_rc 1 "create an existing topic"
grep -q '^orders  TOPIC_ALREADY_EXISTS' "$work/out" || fail "exists row: $(cat "$work/out")"
kk topic create defaults --json
expect_rc 0 "create with broker defaults"
[ "$(py 'j[0]["topic"], j[0]["error"]')" = "defaults None" ] || fail "create --json: $(cat "$work/out")"
kk topic create bad --partitions 0
expect_rc 2 "--partitions 0"
one_error_line "--partitions 0"
echo "ok: topic create"

kk topic list
expect_rc 0 "topic list"
want=$(printf 'TOPIC     PARTITIONS  REPLICATION-FACTOR\ndefaults  2           1\norders    3           1')
[ "$(cat "$work/out")" = "$want" ] || fail "list table: $(cat "$work/out")"
kk topic list --json
[ "$(py '[(t["topic"], t["partitions"]) for t in j]')" = "[('defaults', 2), ('orders', 3)]" ] ||
  fail "list --json: $(cat "$work/out")"
echo "ok: topic list"

kk topic describe orders
expect_rc 0 "topic describe"
[ "$(head -1 "$work/out")" = "Topic: orders  Partitions: 3  ReplicationFactor: 1  Configs: retention.ms=60000" ] ||
  fail "describe header: $(cat "$work/out")"
[ "$(sed -n 2p "$work/out")" = "PARTITION  LEADER  REPLICAS  ISR" ] || fail "describe columns: $(cat "$work/out")"
[ "$(sed -n 3,5p "$work/out" | awk '{print $1}' | tr '\n' ' ')" = "0 1 2 " ] || fail "describe rows"
# Leaders and replicas agree with what kcat -L reads from Metadata.
kcat -b "$bootstrap" -L -t orders -J >"$work/kcat.json"
kk topic describe orders --json
python3 - "$work/kcat.json" "$work/out" <<'PY' || fail "describe --json differs from kcat -L -J"
import json, sys
meta = json.load(open(sys.argv[1]))
ours = json.load(open(sys.argv[2]))[0]
theirs = [t for t in meta["topics"] if t["topic"] == "orders"][0]["partitions"]
want = sorted((p["partition"], p["leader"], [r["id"] for r in p["replicas"]], [r["id"] for r in p["isrs"]]) for p in theirs)
got = sorted((p["partition"], p["leader"], p["replicas"], p["isr"]) for p in ours["partitions"])
assert got == want, (got, want)
assert ours["configs"] == {"retention.ms": "60000"}, ours["configs"]
assert ours["error"] is None
PY
kk topic describe orders missing
expect_rc 1 "describe with an unknown topic"
grep -q '^Topic: missing  Error: UNKNOWN_TOPIC_OR_PARTITION' "$work/out" || fail "unknown row: $(cat "$work/out")"
kk topic describe missing --json
expect_rc 1 "describe --json unknown"
[ "$(py 'j[0]["error"]["name"]')" = "UNKNOWN_TOPIC_OR_PARTITION" ] || fail "unknown --json: $(cat "$work/out")"
echo "ok: topic describe"

# ---- configs ----
kk config set topic orders retention.ms=1000 --append cleanup.policy=compact
expect_rc 0 "config set"
grep -q '^topic     orders  retention.ms=1000, cleanup.policy+=compact  updated$' "$work/out" ||
  fail "set table: $(cat "$work/out")"
kk config get topic orders retention.ms cleanup.policy segment.bytes --json
expect_rc 0 "config get --json"
[ "$(py '[(c["name"], c["value"], c["source"]) for c in j["configs"]]')" = \
  "[('cleanup.policy', 'delete,compact', 'TOPIC_CONFIG'), ('retention.ms', '1000', 'TOPIC_CONFIG'), ('segment.bytes', '1073741824', 'DEFAULT_CONFIG')]" ] ||
  fail "get --json: $(cat "$work/out")"
kk config set topic orders --delete cleanup.policy --validate-only
expect_rc 0 "validate-only"
kk config get topic orders cleanup.policy
grep -q '^cleanup.policy  delete,compact  TOPIC_CONFIG' "$work/out" || fail "validate-only changed: $(cat "$work/out")"
kk config set topic orders --delete cleanup.policy
expect_rc 0 "config delete"
kk config get topic orders cleanup.policy
[ "$(sed -n 2p "$work/out")" = "cleanup.policy  delete  DEFAULT_CONFIG  no" ] || fail "deleted: $(cat "$work/out")"
kk config set topic orders no.such.config=1 --json
expect_rc 1 "unknown config"
[ "$(py 'j["error"]["name"]')" = "INVALID_CONFIG" ] || fail "unknown config --json: $(cat "$work/out")"
kk config set topic orders retention.ms=soon
expect_rc 1 "bad value"
grep -q 'INVALID_CONFIG' "$work/out" || fail "bad value row: $(cat "$work/out")"
kk config set topic missing retention.ms=1
expect_rc 1 "unknown topic"
grep -q 'UNKNOWN_TOPIC_OR_PARTITION' "$work/out" || fail "unknown topic row: $(cat "$work/out")"
kk config set broker 1 log.retention.ms=1
expect_rc 1 "broker config"
grep -q 'INVALID_REQUEST' "$work/out" || fail "broker row: $(cat "$work/out")"
kk config get broker 1 num.partitions
expect_rc 0 "config get broker"
[ "$(sed -n 2p "$work/out")" = "num.partitions  2      STATIC_BROKER_CONFIG  yes" ] || fail "broker get: $(cat "$work/out")"
kk config get topic missing
expect_rc 1 "config get unknown topic"
one_error_line "config get unknown topic"
grep -q "UNKNOWN_TOPIC_OR_PARTITION" "$work/err" || fail "config get unknown: $(cat "$work/err")"
kk config get topic orders no.such.key
expect_rc 1 "config get unknown key"
one_error_line "config get unknown key"

# The change is kept across a broker restart.
stop_broker
start_broker --set num.partitions=2
kk config get topic orders retention.ms
[ "$(sed -n 2p "$work/out")" = "retention.ms  1000   TOPIC_CONFIG  no" ] || fail "after restart: $(cat "$work/out")"
echo "ok: config get/set"

# ---- groups: lag after a kcat -G member consumed part of a topic ----
kk topic create lagged --partitions 2
seq 1 100 | k -P -t lagged -p 0
seq 1 40 | k -P -t lagged -p 1
k -G lagroup lagged -c 70 -q -X auto.offset.reset=earliest -f '%p\n' >"$work/consumed"
[ "$(wc -l <"$work/consumed")" -eq 70 ] || fail "kcat -G consumed $(wc -l <"$work/consumed")"
kk group lag lagroup --json
expect_rc 0 "group lag"
python3 - "$work/consumed" "$work/out" <<'PY' || fail "lag differs from what was produced and consumed: $(cat "$work/out")"
import json, sys
produced = {0: 100, 1: 40}
consumed = {0: 0, 1: 0}
for line in open(sys.argv[1]):
    consumed[int(line)] += 1
lag = json.load(open(sys.argv[2]))
rows = {r["partition"]: r for r in lag["partitions"]}
assert sorted(rows) == [0, 1], rows
total = 0
for p in (0, 1):
    r = rows[p]
    assert r["log_end_offset"] == produced[p], r
    if consumed[p] == 0:
        assert r["committed"] is None and r["lag"] is None, r
    else:
        assert r["committed"] == consumed[p], (r, consumed)
        assert r["lag"] == produced[p] - consumed[p], r
        total += r["lag"]
assert lag["total_lag"] == total, lag
assert lag["state"] == "Empty" and lag["members"] == 0, lag
PY
kk group lag lagroup
head -1 "$work/out" | grep -q '^Group: lagroup  State: Empty  Members: 0  Total lag: ' || fail "lag header: $(cat "$work/out")"
[ "$(sed -n 2p "$work/out")" = "TOPIC   PARTITION  COMMITTED  LOG-END  LAG  MEMBER-ID  CLIENT-ID  HOST" ] ||
  fail "lag columns: $(cat "$work/out")"
kk group lag nosuchgroup
expect_rc 1 "lag of an unknown group"
one_error_line "lag of an unknown group"
kk group list --json
[ "$(py '[(g["group"], g["state"]) for g in j]')" = "[('lagroup', 'Empty')]" ] || fail "group list: $(cat "$work/out")"
echo "ok: group lag"

# ---- reset-offsets: a dry run changes nothing; --execute moves where kcat -G resumes ----
kk group lag lagroup --json
before=$(py '[(r["partition"], r["committed"]) for r in j["partitions"]]')
kk group reset-offsets lagroup --topic lagged --partition 0 --to-offset 10
expect_rc 0 "dry run"
grep -q '^lagged  0          ' "$work/out" || fail "dry-run row: $(cat "$work/out")"
[ "$(awk 'NR==2 {print $4, $5}' "$work/out")" = "10 planned" ] || fail "dry-run plan: $(cat "$work/out")"
grep -q 'dry run' "$work/err" || fail "no dry-run note: $(cat "$work/err")"
kk group lag lagroup --json
[ "$(py '[(r["partition"], r["committed"]) for r in j["partitions"]]')" = "$before" ] || fail "dry run committed"
kk group reset-offsets lagroup --topic lagged --to-datetime 2000-01-01T00:00:00Z --json
[ "$(py '[(r["partition"], r["new"]) for r in j["partitions"]]')" = "[(0, 0), (1, 0)]" ] || fail "to-datetime past: $(cat "$work/out")"
kk group reset-offsets lagroup --topic lagged --to-datetime 2100-01-01T00:00:00Z --json
[ "$(py '[(r["partition"], r["new"]) for r in j["partitions"]]')" = "[(0, 100), (1, 40)]" ] || fail "to-datetime future: $(cat "$work/out")"
kk group reset-offsets lagroup --topic lagged --to-offset 1000 --json
[ "$(py '[r["new"] for r in j["partitions"]]')" = "[100, 40]" ] || fail "to-offset clamps: $(cat "$work/out")"
kk group reset-offsets lagroup --topic lagged --to-latest --execute
expect_rc 0 "to-latest execute"
kk group reset-offsets lagroup --topic lagged --partition 0 --shift-by -90 --execute --json
expect_rc 0 "shift-by execute"
[ "$(py 'j["executed"], j["partitions"][0]["current"], j["partitions"][0]["new"]')" = "True 100 10" ] ||
  fail "shift-by: $(cat "$work/out")"
kk group lag lagroup --json
[ "$(py '[(r["partition"], r["committed"], r["lag"]) for r in j["partitions"]]')" = "[(0, 10, 90), (1, 40, 0)]" ] ||
  fail "lag after reset: $(cat "$work/out")"
got=$(k -G lagroup lagged -c 3 -q -f '%p:%o ')
[ "$got" = "0:10 0:11 0:12 " ] || fail "kcat -G resumed at '$got', not 0:10"
echo "ok: reset-offsets"

# ---- an active group: described with its member, and its offsets are not reset ----
timeout 60 kcat -b "$bootstrap" -G lagroup lagged -q -o end >/dev/null 2>&1 &
consumer_pid=$!
for _ in $(seq 100); do
  kk group describe lagroup --json
  [ "$(py 'len(j[0]["members"]), j[0]["state"]')" = "1 Stable" ] && break
  sleep 0.2
done
[ "$(py 'j[0]["state"], j[0]["protocol_type"], sorted((a["topic"], a["partition"]) for a in j[0]["members"][0]["assignment"])')" = \
  "Stable consumer [('lagged', 0), ('lagged', 1)]" ] || fail "describe active group: $(cat "$work/out")"
kk group describe lagroup
head -1 "$work/out" | grep -q '^Group: lagroup  State: Stable  Protocol: .*  Members: 1$' || fail "describe header: $(cat "$work/out")"
grep -q ' lagged:0,1$' "$work/out" || fail "assignment column: $(cat "$work/out")"
kk group reset-offsets lagroup --topic lagged --to-earliest --execute
expect_rc 1 "reset of an active group"
one_error_line "reset of an active group"
grep -q "active member" "$work/err" || fail "active refusal: $(cat "$work/err")"
kk group delete lagroup
expect_rc 1 "delete an active group"
grep -q '^lagroup  NON_EMPTY_GROUP' "$work/out" || fail "delete active: $(cat "$work/out")"
kill -TERM "$consumer_pid"
wait "$consumer_pid" 2>/dev/null || true
consumer_pid=
for _ in $(seq 100); do
  kk group describe lagroup --json
  [ "$(py 'len(j[0]["members"])')" = "0" ] && break
  sleep 0.2
done
kk group delete lagroup nosuchgroup
expect_rc 1 "delete with an unknown group"
grep -q '^lagroup      deleted$' "$work/out" || fail "delete row: $(cat "$work/out")"
grep -q '^nosuchgroup  GROUP_ID_NOT_FOUND' "$work/out" || fail "delete unknown row: $(cat "$work/out")"
echo "ok: group describe/delete"

kk topic delete orders missing
expect_rc 1 "delete with an unknown topic"
grep -q '^orders   deleted$' "$work/out" || fail "delete row: $(cat "$work/out")"
grep -q '^missing  UNKNOWN_TOPIC_OR_PARTITION' "$work/out" || fail "delete unknown row: $(cat "$work/out")"
kk topic describe orders
expect_rc 1 "describe a deleted topic"
echo "ok: topic delete"

# ---- bad input: exit 2 and one line; unreachable brokers: exit 1, one line, bounded ----
kk topic frobnicate
expect_rc 2 "unknown subcommand"
one_error_line "unknown subcommand"
kk topic list --frob
expect_rc 2 "bad flag"
one_error_line "bad flag"
kk group reset-offsets g --topic t
expect_rc 2 "reset without a target"
one_error_line "reset without a target"
kk group reset-offsets g --topic t --to-datetime yesterday
expect_rc 2 "bad datetime"
one_error_line "bad datetime"
kk config set topic orders retention.ms
expect_rc 2 "config set without a value"
one_error_line "config set without a value"
rc=0
timeout 60 "$kafkit_exe" topic list >"$work/out" 2>"$work/err" || rc=$?
expect_rc 2 "no brokers"
one_error_line "no brokers"
start=$(date +%s)
rc=0
timeout 60 "$kafkit_exe" topic list -b 127.0.0.1:1 -m 2 >"$work/out" 2>"$work/err" || rc=$?
expect_rc 1 "unreachable broker"
one_error_line "unreachable broker"
[ $(($(date +%s) - start)) -le 10 ] || fail "unreachable broker took $(($(date +%s) - start)) s"
kk topic describe -h
expect_rc 0 "-h"
grep -q '^Usage: kafkit topic describe' "$work/out" || fail "-h: $(cat "$work/out")"
echo "ok: errors"

stop_broker
broker_pid=
