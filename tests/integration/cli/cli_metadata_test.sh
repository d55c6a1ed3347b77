#!/usr/bin/env bash
# kafkit -L, -Q and -M as processes. -L and -Q run real kcat (Debian package) and kafkit with
# the same arguments against the same 3-node kafkit-broker and compare stdout byte for byte;
# then the error cases (unreachable broker, unknown topic) and the -M playground.
# Usage: cli_metadata_test.sh PATH/TO/kafkit-broker PATH/TO/kafkit
set -euo pipefail
broker_exe=$1
kafkit_exe=$2
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test cli-meta pg_pid

# compare KCAT_STATUS KAFKIT_STATUS BOOTSTRAP ARGS...: both tools with the same arguments;
# stdout must be byte-identical and each must exit as expected. kafkit exits 1 where kcat
# reports an unknown topic in its output but exits 0.
compare() {
  local want_kcat=$1 want_kafkit=$2 servers=$3
  shift 3
  local ks=0 fs=0
  timeout 60 kcat -b "$servers" "$@" >"$work/kcat.out" 2>"$work/kcat.err" || ks=$?
  timeout 60 "$kafkit_exe" -b "$servers" "$@" >"$work/kafkit.out" 2>"$work/kafkit.err" || fs=$?
  [ "$ks" = "$want_kcat" ] || fail "kcat $* exited $ks, not $want_kcat: $(cat "$work/kcat.err")"
  cmp -s "$work/kcat.out" "$work/kafkit.out" ||
    fail "kafkit $* differs from kcat: $(diff "$work/kcat.out" "$work/kafkit.out" | head -20)"
  [ "$fs" = "$want_kafkit" ] ||
    fail "kafkit $* exited $fs, not $want_kafkit: $(cat "$work/kafkit.err")"
  echo "ok: $* (same output, exit $fs)"
}

# Topics made while the broker creates them on first use: meta-a over 3 partitions (a
# different count in each), meta-b's partition 0 one record at a time so that each has
# its own timestamp.
start_broker --nodes 3 --set num.partitions=3
for p in 0 1 2; do seq 1 $((p + 3)) | k -P -t meta-a -p "$p"; done
for i in 1 2 3 4 5; do
  echo "b$i" | k -P -t meta-b -p 0
  sleep 0.02
done
printf 'x\n' | k -P -t meta-c -p 1
stop_broker

# The same data, served by a broker that creates nothing: kcat -L -t asks Metadata to
# create a missing topic, kafkit never does, so the unknown-topic cases compare only here.
start_broker --nodes 3 --set auto.create.topics.enable=false
one=${bootstrap%%,*}

# -L: the originating broker is the bootstrap server's connection, the same for both.
compare 0 0 "$one" -L
compare 0 0 "$one" -L -J
compare 0 0 "$one" -L -t meta-a
compare 0 0 "$one" -L -t meta-b -J
compare 0 1 "$one" -L -t no-such-topic
compare 0 1 "$one" -L -t no-such-topic -J
grep -q 'no-such-topic' "$work/kafkit.err" || fail "no stderr line for the unknown topic"
[ "$(wc -l <"$work/kafkit.err")" = 1 ] || fail "unknown topic: $(cat "$work/kafkit.err")"
# localhost is not what the brokers advertise: "from broker -1: localhost:PORT/bootstrap".
compare 0 0 "localhost:${one##*:}" -L
grep -q "from broker -1: localhost:${one##*:}/bootstrap" "$work/kafkit.out" ||
  fail "localhost origin: $(head -1 "$work/kafkit.out")"

# With every node as bootstrap server kcat asks whichever connection is up first (at
# random): the rest of the listing must still match.
timeout 60 kcat -b "$bootstrap" -L >"$work/kcat.out"
timeout 60 "$kafkit_exe" -b "$bootstrap" -L >"$work/kafkit.out"
diff <(tail -n +2 "$work/kcat.out") <(tail -n +2 "$work/kafkit.out") >/dev/null ||
  fail "-L with 3 bootstrap servers differs: $(diff "$work/kcat.out" "$work/kafkit.out")"
head -1 "$work/kafkit.out" |
  grep -Eq '^Metadata for all topics \(from broker [123]: 127\.0\.0\.1:[0-9]+/[123]\):$' ||
  fail "origin line: $(head -1 "$work/kafkit.out")"
echo "ok: -L with 3 bootstrap servers"

# -Q: earliest (-2), latest (-1), and by time: between two records finds the later one,
# after the last finds -1.
mapfile -t ts < <(k -C -t meta-b -p 0 -o beginning -e -q -f '%T\n')
[ "${#ts[@]}" = 5 ] || fail "meta-b has ${#ts[@]} records"
between=$((ts[1] + 1))
[ "$between" -le "${ts[2]}" ] || fail "records 1 and 2 share a timestamp"
after=$((ts[4] + 60000))
compare 0 0 "$one" -Q -t meta-b:0:-2
compare 0 0 "$one" -Q -t meta-b:0:-1
compare 0 0 "$one" -Q -t "meta-b:0:$between"
grep -qx "meta-b \[0\] offset 2" "$work/kafkit.out" || fail "-Q between: $(cat "$work/kafkit.out")"
compare 0 0 "$one" -Q -t "meta-b:0:$after"
grep -qx "meta-b \[0\] offset -1" "$work/kafkit.out" || fail "-Q after: $(cat "$work/kafkit.out")"
# Several partitions, printed sorted by topic then partition; and the -J object. (A
# partition asked twice is left out: kcat 1.7.1 then prints one answer for both.)
compare 0 0 "$one" -Q -t meta-b:0:-1 -t meta-a:2:-1 -t meta-a:0:-2 -t "meta-a:1:${ts[0]}"
compare 0 0 "$one" -Q -t meta-c:1:-1 -t meta-a:2:-1 -t meta-a:0:-2 -t "meta-b:0:$between" -J
compare 0 0 "$bootstrap" -Q -t meta-c:1:-1 -t meta-c:0:-1 -t meta-a:1:-1
# Unknown topics and partitions next to known ones: kcat shows the error in place and
# exits 0; kafkit shows the same and exits 1 with a line per partition on stderr.
compare 0 1 "$one" -Q -t meta-b:0:-1 -t "no-such-topic:0:$between"
[ "$(wc -l <"$work/kafkit.err")" = 1 ] || fail "-Q unknown: $(cat "$work/kafkit.err")"
compare 0 1 "$one" -Q -t meta-b:0:-1 -t meta-b:7:-1 -J
# Nothing asked for exists: both fail, printing nothing on stdout.
compare 1 1 "$one" -Q -t no-such-topic:0:-1
grep -q 'no-such-topic \[0\]: Broker: Unknown topic or partition' "$work/kafkit.err" ||
  fail "-Q unknown topic: $(cat "$work/kafkit.err")"
compare 1 1 "$one" -Q -t meta-b:9:-1

# Bad input: one stderr line, exit 2.
st=0
"$kafkit_exe" -b "$one" -Q -t meta-b:x:-1 >/dev/null 2>"$work/err" || st=$?
[ "$st" = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] || fail "-Q malformed: $st $(cat "$work/err")"
st=0
"$kafkit_exe" -b "$one" -Q >/dev/null 2>"$work/err" || st=$?
[ "$st" = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] || fail "-Q without -t: $st $(cat "$work/err")"
echo "ok: malformed -Q"

# Unreachable brokers: bounded by -m, one line on stderr, non-zero exit.
for mode in "-L" "-Q -t meta-b:0:-1"; do
  st=0
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  timeout 30 "$kafkit_exe" -b 127.0.0.1:1 $mode -m 2 >"$work/out" 2>"$work/err" || st=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  [ "$st" = 1 ] || fail "unreachable $mode: exit $st"
  [ "$ms" -lt 5000 ] || fail "unreachable $mode took $ms ms with -m 2"
  [ "$(wc -l <"$work/err")" = 1 ] || fail "unreachable $mode: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "unreachable $mode printed: $(cat "$work/out")"
  echo "ok: unreachable broker with $mode -m 2 (${ms} ms): $(cat "$work/err")"
done
stop_broker
broker_pid=

# -M 3: a playground whose stdin is a fifo we hold open; it prints its address, serves
# kcat and kafkit, and stops cleanly when stdin closes, leaving no data behind.
mkdir "$work/tmp"
mkfifo "$work/stdin"
TMPDIR=$work/tmp "$kafkit_exe" -M 3 <"$work/stdin" >"$work/pg.out" 2>"$work/pg.err" &
pg_pid=$!
exec 7>"$work/stdin"
for _ in $(seq 100); do
  grep -q '^bootstrap.servers=' "$work/pg.out" 2>/dev/null && break
  sleep 0.1
done
pg=$(sed -n 's/^bootstrap.servers=//p' "$work/pg.out")
[ -n "$pg" ] || fail "-M 3 printed no address: $(cat "$work/pg.out" "$work/pg.err")"
[ "$(wc -l <"$work/pg.out")" = 1 ] || fail "-M stdout: $(cat "$work/pg.out")"
[ "$(echo "$pg" | tr ',' '\n' | wc -l)" = 3 ] || fail "-M 3 address: $pg"
[ -n "$(ls "$work/tmp")" ] || fail "-M made no data directory under TMPDIR"
seq 1 100 | timeout 60 kcat -b "$pg" -P -t play
got=$(timeout 60 kcat -b "$pg" -C -t play -o beginning -e -q | wc -l)
[ "$got" = 100 ] || fail "-M: consumed $got of 100"
# kcat reads the printed line as a config file too.
timeout 60 kcat -F "$work/pg.out" -L 2>/dev/null | grep -q 'topic "play"' || fail "-M with -F"
compare 0 0 "${pg%%,*}" -L -t play
exec 7>&-
for _ in $(seq 100); do
  kill -0 "$pg_pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pg_pid" 2>/dev/null && fail "-M still running 10 s after stdin closed"
st=0
wait "$pg_pid" || st=$?
pg_pid=
[ "$st" = 0 ] || fail "-M exit status $st: $(cat "$work/pg.err")"
[ -z "$(ls "$work/tmp")" ] || fail "-M left $(ls "$work/tmp")"
echo "ok: -M 3 served kcat, stopped at the end of stdin, removed its data"

# -M 1 started with `&` from a script gets /dev/null as stdin: that is not a stop; SIGTERM is.
TMPDIR=$work/tmp "$kafkit_exe" -M 1 </dev/null >"$work/pg.out" 2>"$work/pg.err" &
pg_pid=$!
for _ in $(seq 100); do
  grep -q '^bootstrap.servers=' "$work/pg.out" 2>/dev/null && break
  sleep 0.1
done
sleep 0.5
kill -0 "$pg_pid" 2>/dev/null || fail "-M with stdin /dev/null exited: $(cat "$work/pg.err")"
pg=$(sed -n 's/^bootstrap.servers=//p' "$work/pg.out")
timeout 60 "$kafkit_exe" -b "$pg" -L | grep -q '1 brokers:' || fail "-M 1 -L"
kill -TERM "$pg_pid"
st=0
wait "$pg_pid" || st=$?
pg_pid=
[ "$st" = 0 ] || fail "-M after SIGTERM: exit $st"
[ -z "$(ls "$work/tmp")" ] || fail "-M left $(ls "$work/tmp") after SIGTERM"
echo "ok: -M 1 ignores a /dev/null stdin and stops cleanly on SIGTERM"
echo "cli-metadata: all passed"
