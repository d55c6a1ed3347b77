#!/usr/bin/env bash
# kafkit -P against real kcat -P: both produce the same input with the same arguments into
# two topics of one kafkit-broker, and what kcat -C reads back from each must be the same
# (apart from the topic name and timestamps). Then -T output, the -J envelope round trip,
# binary data through kafkit -C -J --encoding base64, and the error cases (exit code, one
# line).
# Usage: cli_produce_test.sh PATH/TO/kafkit-broker PATH/TO/kafkit
set -euo pipefail
broker_exe=$1
kafkit_exe=$2
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test cli-produce strict_pid
# message.max.bytes well below the clients' 1,000,000: a larger message is accepted by the
# producer and refused by the broker, a real delivery failure.
start_broker --set num.partitions=3 --set message.max.bytes=100000

# k / kf ARGS...: kcat / kafkit (-q: no summary line) against the broker, never waiting
# over a minute (KILL: where SIGTERM is inherited as ignored, timeout's TERM does nothing).
k() { timeout -s KILL 60 kcat -b "$bootstrap" "$@"; }
kf() { timeout -s KILL 60 "$kafkit_exe" -q -b "$bootstrap" "$@"; }

# read_back TOPIC: the topic's messages as kcat -J prints them, without the topic name and
# timestamp, sorted (partition and offset are in each line, so the order is the log's).
read_back() {
  k -C -t "$1" -e -q -J | sed -E 's/"topic":"[^"]*",//; s/"ts":[0-9]+,//' | sort
}
# read_values TOPIC: keys, values and headers only, sorted (for messages the partitioner
# places at random: which partition each lands in may differ between the tools).
read_values() {
  read_back "$1" | sed -E 's/"partition":[0-9]+,"offset":[0-9]+,//' | sort
}

case_no=0
# same INPUT-FILE [READER] -- ARGS...: kcat and kafkit produce INPUT-FILE with ARGS; the
# topics must read back the same (READER: read_back, the default, or read_values).
same() {
  local input=$1 reader=read_back
  shift
  if [ "$1" != "--" ]; then
    reader=$1
    shift
  fi
  shift
  case_no=$((case_no + 1))
  local tk="produce-$case_no-kcat" tf="produce-$case_no-kafkit"
  k -P -t "$tk" "$@" <"$input" || fail "case $case_no: kcat -P $* failed"
  kf -P -t "$tf" "$@" <"$input" || fail "case $case_no: kafkit -P $* failed"
  "$reader" "$tk" >"$work/want"
  "$reader" "$tf" >"$work/got"
  [ -s "$work/want" ] || fail "case $case_no: kcat produced nothing for $*"
  if ! cmp -s "$work/want" "$work/got"; then
    diff "$work/want" "$work/got" | head -20 >&2
    fail "case $case_no: kafkit -P $* differs from kcat"
  fi
  echo "ok: -P $* ($(wc -l <"$work/want") messages)"
}

# Inputs: keys, empty lines, a missing trailing newline, separators inside values.
printf 'k1:v1\nk2:v2:with:colons\n\n:empty key\nk3:\n:\nno key here\nk1:again\nlast:no newline' \
  >"$work/keyed"
seq 1 300 | awk '{printf "key%d:value %d\n", $1 % 17, $1}' >"$work/many"
printf 'one<SEP>two<SEP><SEP>three\nwith newline<SEP>four' >"$work/custom"
printf 'a\tb\tc\t\td' >"$work/tabs"

same "$work/keyed" -- -p 0
same "$work/keyed" -- -p 0 -K:
same "$work/keyed" -- -p 1 -K: -Z
same "$work/keyed" -- -p 2 -K: -k fixed
same "$work/keyed" -- -p 2 -K: -k fixed -Z
same "$work/keyed" -- -p 0 -k fixed -H trace=abc -H n=1 -H trace=again -H empty=
# Keyed messages without -p: the partitioner (consistent_random, as librdkafka's default)
# must put each key where kcat puts it.
same "$work/many" -- -K:
same "$work/many" -- -K: -p -1
same "$work/custom" -- -p 0 -D '<SEP>'
same "$work/tabs" -- -p 0 -D '\t'
same "$work/many" -- -p 1 -K: -c 25
same "$work/many" -- -p 0 -K 'y1'
for codec in none gzip snappy lz4 zstd; do
  same "$work/many" -- -p 2 -K: -z "$codec"
done
# Without a key the partition is random (sticky): compare the messages, not where they went.
same "$work/many" read_values --
same "$work/keyed" read_values -- -k fixed

# Files: each whole file is one message (an empty file is skipped); -l splits one file.
printf 'first file\nwith two lines\n' >"$work/f1"
: >"$work/f2"
printf 'x' >"$work/f3"
same /dev/null -- -p 0 -k fk "$work/f1" "$work/f2" "$work/f3"
same /dev/null -- -p 1 -H h=v "$work/f3"
same /dev/null -- -p 0 -K: -l "$work/keyed"

# -T echoes what was produced, byte for byte as kcat does (messages without delimiters).
for args in "-p 0" "-p 0 -K: -Z" "-p 0 -D <SEP>"; do
  # shellcheck disable=SC2086
  k -P -t tee-kcat $args -T <"$work/keyed" >"$work/tee-kcat"
  # shellcheck disable=SC2086
  kf -P -t tee-kafkit $args -T <"$work/keyed" >"$work/tee-kafkit"
  cmp -s "$work/tee-kcat" "$work/tee-kafkit" || fail "-T $args: stdout differs from kcat's"
done
echo "ok: -T output is kcat's"

# -J round trip: what kcat -C -J prints, fed to kafkit -P -J (into another topic), reads
# back the same, timestamps, partitions, keys and headers included.
printf 'k1:v1\nk2:"quoted" \\ back\\slash\nk3:tab\there\nk4:caf\xc3\xa9\n' |
  k -P -t json-src -p 1 -K: -H h1=a -H h2=b
printf 'null-key-value\n' | k -P -t json-src -p 2 -H only=header
k -C -t json-src -e -q -J >"$work/src.json"
sed 's/"topic":"json-src"/"topic":"json-dst"/' "$work/src.json" | kf -P -J ||
  fail "-J: kafkit -P -J of kcat -C -J output failed"
k -C -t json-dst -e -q -J | sed 's/"topic":"json-dst"/"topic":"json-src"/' | sort >"$work/dst.json"
sort "$work/src.json" >"$work/src.sorted"
cmp -s "$work/src.sorted" "$work/dst.json" || {
  diff "$work/src.sorted" "$work/dst.json" >&2
  fail "-J round trip differs"
}
echo "ok: kcat -C -J | kafkit -P -J reproduces the messages ($(wc -l <"$work/src.json"))"

# Binary keys, values and header values through the envelope's "encoding" (what
# kafkit -C -J --encoding base64 prints), checked byte for byte with kcat -C (whose %h
# prints a header value up to its first NUL, so that one has none).
{
  echo '{"topic":"binary","partition":0,"key":"AAEC/w==","payload":"3q2+7w==","headers":["h","//4K"],"encoding":"base64"}'
  echo '{"topic":"binary","partition":0,"key":"0a00","payload":"ff","headers":{"x":"0d0a"},"encoding":"hex"}'
  echo '{"topic":"binary","partition":0,"key":null,"payload":null,"ts":1700000000123}'
} | kf -P -J || fail "binary -J input failed"
# (-p 0: the records are all there; kcat waits on the topic's other, empty, partitions.)
got=$(k -C -t binary -p 0 -e -q -f '%k|%s|%h;' | od -An -tx1 | tr -d ' \n')
want=$(printf '\x00\x01\x02\xff|\xde\xad\xbe\xef|h=\xff\xfe\x0a;\x0a\x00|\xff|x=\r\n;||;' |
  od -An -tx1 | tr -d ' \n')
[ "$got" = "$want" ] || fail "binary records: $got, want $want"
k -C -t binary -p 0 -e -q -J | grep -q '"offset":2,"tstype":"create","ts":1700000000123,.*"key":null,"payload":null' ||
  fail "null key/value and ts from -J: $(k -C -t binary -p 0 -e -q -J)"
echo "ok: binary keys, values and headers via base64/hex envelopes"

# The same round trip through kafkit -C -J --encoding base64 for binary keys, values and
# header values (kcat writes the raw bytes; its -J would print them unescaped).
printf 'k\x00\xff1:v\x01\x80|||k2:\xfe\x00|||:|||' |
  k -P -t b64-src -p 1 -K: -D '|||' -H 'h=x\xff' -H 'n=1'
timeout -s KILL 60 "$kafkit_exe" -q -b "$bootstrap" -C -t b64-src -e -J --encoding base64 \
  >"$work/b64.json"
[ "$(wc -l <"$work/b64.json")" = 3 ] || fail "kafkit -C -J --encoding base64: $(cat "$work/b64.json")"
sed 's/"topic":"b64-src"/"topic":"b64-dst"/' "$work/b64.json" | kf -P -J ||
  fail "kafkit -P -J of base64 envelopes"
for t in b64-src b64-dst; do
  k -C -t "$t" -p 1 -e -q -f '%o|%k|%s|%h|%T;' | od -An -tx1 >"$work/$t.bytes"
done
cmp -s "$work/b64-src.bytes" "$work/b64-dst.bytes" || fail "base64 round trip: bytes differ"
echo "ok: kafkit -C -J --encoding base64 | kafkit -P -J reproduces binary messages"

# --encoding on plain input: each key and value is decoded.
printf 'AAE=:aGk=\n:/w==\n' | kf -P -t binary-lines -p 0 -K: --encoding base64 ||
  fail "--encoding base64 input"
[ "$(k -C -t binary-lines -p 0 -e -q -f '%k|%s;' | od -An -tx1 | tr -d ' \n')" = \
  "$(printf '\x00\x01|hi;|\xff;' | od -An -tx1 | tr -d ' \n')" ] || fail "--encoding input bytes"
echo "ok: --encoding base64 on delimited input"

# ---- errors: a non-zero exit and one clear line on stderr ----
# expect_error CODE PATTERN INPUT ARGS...: kafkit exits CODE, stderr is one line matching
# PATTERN.
expect_error() {
  local want_code=$1 pattern=$2 input=$3
  shift 3
  local code=0
  timeout -s KILL 60 "$kafkit_exe" -q "$@" <"$input" >"$work/out" 2>"$work/err" || code=$?
  [ "$code" = "$want_code" ] || fail "kafkit $*: exit $code, want $want_code ($(cat "$work/err"))"
  [ "$(wc -l <"$work/err")" = 1 ] || fail "kafkit $*: stderr is not one line: $(cat "$work/err")"
  grep -q -- "$pattern" "$work/err" || fail "kafkit $*: stderr '$(cat "$work/err")' lacks $pattern"
}

# A malformed line: the lines before it are sent, nothing after it.
{
  echo '{"payload":"one"}'
  echo ''
  echo '{"payload":"two","key":"k"}'
  echo '{"payload":"three",'
  echo '{"payload":"four"}'
} >"$work/bad.json"
expect_error 1 'line 4: not JSON' "$work/bad.json" -b "$bootstrap" -P -J -t json-bad -p 0
[ "$(k -C -t json-bad -p 0 -e -q -f '%s,')" = "one,two," ] || fail "malformed -J: lines before it"
expect_error 1 'line 1: "partition" must be an integer' <(echo '{"partition":"x"}') \
  -b "$bootstrap" -P -J -t json-bad
expect_error 1 'no "topic" field and no -t topic' <(echo '{"payload":"x"}') -b "$bootstrap" -P -J
expect_error 1 'message 2: the value is not valid hex' <(printf '00\nzz\n') -b "$bootstrap" -P \
  -t hex-bad --encoding hex
echo "ok: malformed -J lines"

# A missing file among good ones: reported, the others still sent, exit 1.
expect_error 1 "cannot open $work/missing" /dev/null -b "$bootstrap" -P -t files-partial -p 0 \
  "$work/f1" "$work/missing" "$work/f3"
[ "$(k -C -t files-partial -p 0 -e -q -f '%o ')" = "0 1 " ] || fail "files after a missing one"
echo "ok: missing file"

# A message the broker refuses: its own line, the count, exit 1 (kcat also exits 1).
head -c 200000 /dev/zero | tr '\0' x >"$work/huge"
code=0
k -P -t too-big-kcat -p 0 <"$work/huge" 2>/dev/null || code=$?
[ "$code" = 1 ] || fail "kcat's exit for a refused message: $code"
code=0
timeout -s KILL 60 "$kafkit_exe" -q -b "$bootstrap" -P -t too-big -p 0 <"$work/huge" 2>"$work/err" ||
  code=$?
[ "$code" = 1 ] || fail "refused message: exit $code"
grep -q '^kafkit: message 1 not delivered to too-big \[0\]: .*MESSAGE_TOO_LARGE' "$work/err" ||
  fail "refused message: $(cat "$work/err")"
grep -q '^kafkit: 1 of 1 messages were not delivered$' "$work/err" ||
  fail "refused message summary: $(cat "$work/err")"
[ "$(wc -l <"$work/err")" = 2 ] || fail "refused message: $(cat "$work/err")"
echo "ok: a message the broker refuses is reported"

# Ctrl-C: stops reading, delivers what was read, exits (0: nothing failed), promptly.
mkfifo "$work/fifo"
# (Not under timeout(1), which would pass the signal on to the whole process group too.)
"$kafkit_exe" -q -b "$bootstrap" -P -t interrupted -p 0 <"$work/fifo" 2>"$work/err" &
producer_pid=$!
exec 3>"$work/fifo"
printf 'before\nsignal\n' >&3
for _ in $(seq 50); do
  [ "$(k -C -t interrupted -p 0 -e -q -f '%s,' 2>/dev/null)" = "before,signal," ] && break
  sleep 0.2
done
start=$(date +%s)
kill -INT "$producer_pid"
code=0
wait "$producer_pid" || code=$?
exec 3>&-
[ "$code" = 0 ] || fail "SIGINT: exit $code ($(cat "$work/err"))"
[ $(($(date +%s) - start)) -le 5 ] || fail "SIGINT took $(($(date +%s) - start)) s"
[ "$(k -C -t interrupted -p 0 -e -q -f '%s,')" = "before,signal," ] || fail "SIGINT: messages"
echo "ok: SIGINT ends a run reading a pipe"

# A partition that does not exist.
expect_error 1 "partition 7 of topic" "$work/keyed" -b "$bootstrap" -P -t produce-1-kafkit -p 7
# Transactions are not offered by the kafkit producer: refused before anything is sent.
expect_error 2 "transactional.id" "$work/keyed" -b "$bootstrap" -P -t txn -X transactional.id=t1
expect_error 2 "-l: only one file" /dev/null -b "$bootstrap" -P -t x -l "$work/f1" "$work/f3"
echo "ok: bad partition, transactional.id, -l with two files"

# Unknown topic on a broker that does not create topics: one line within about -m seconds.
"$broker_exe" --listen 127.0.0.1:0 --data-dir "$work/strict-data" \
  --set auto.create.topics.enable=false >"$work/strict-out" 2>"$work/strict-err" &
strict_pid=$!
for _ in $(seq 100); do
  grep -q 'ready' "$work/strict-out" 2>/dev/null && break
  sleep 0.1
done
strict=$(sed -n 's/.*bootstrap.servers=//p' "$work/strict-out")
[ -n "$strict" ] || fail "strict broker did not start"
start=$(date +%s)
expect_error 1 "topic nosuch does not exist" "$work/keyed" -b "$strict" -P -t nosuch -m 2
[ $(($(date +%s) - start)) -le 10 ] || fail "unknown topic took $(($(date +%s) - start)) s"
echo "ok: unknown topic (auto-create off)"
kill -TERM "$strict_pid"
wait "$strict_pid" 2>/dev/null || true
strict_pid=

# Brokers that cannot be reached: bounded by -m, one line.
start=$(date +%s)
expect_error 1 "cannot reach the cluster at 127.0.0.1:1" "$work/keyed" -b 127.0.0.1:1 -P -t x -m 2
[ $(($(date +%s) - start)) -le 10 ] || fail "unreachable took $(($(date +%s) - start)) s"
echo "ok: unreachable brokers"

stop_broker
broker_pid=
echo "ok: clean shutdown"
