#!/usr/bin/env bash
# kafkit -C / -G against kafkit-broker as a real process, compared with real kcat 1.7.1 run
# with the same arguments against the same broker: stdout must be byte-identical (sorted
# first only where several partitions interleave in an order neither tool fixes), exit
# codes equal. Then -G resuming from its commits, Ctrl-C, and the error cases.
# Usage: cli_consume_test.sh PATH/TO/kafkit-broker PATH/TO/kafkit
set -euo pipefail
broker_exe=$1
kafkit_exe=$2
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test cli-consume consumer_pid
start_broker --set num.partitions=3

# kf ARGS...: kafkit against the broker, never waiting more than a minute.
kf() { timeout 60 "$kafkit_exe" -b "$bootstrap" "$@"; }

# same [--sorted] ARGS...: kcat and kafkit print the same bytes and exit alike.
same() {
  local sorted=
  if [ "$1" = --sorted ]; then
    sorted=1
    shift
  fi
  local want_rc=0 got_rc=0
  k "$@" >"$work/want" 2>"$work/want.err" || want_rc=$?
  kf "$@" >"$work/got" 2>"$work/got.err" || got_rc=$?
  if [ -n "$sorted" ]; then
    LC_ALL=C sort "$work/want" >"$work/want.sorted" && mv "$work/want.sorted" "$work/want"
    LC_ALL=C sort "$work/got" >"$work/got.sorted" && mv "$work/got.sorted" "$work/got"
  fi
  [ -s "$work/want" ] || [ "$want_rc" != 0 ] || fail "kcat printed nothing for: $*"
  if ! cmp -s "$work/want" "$work/got"; then
    echo "kcat:" >&2
    od -c "$work/want" | head -20 >&2
    echo "kafkit:" >&2
    od -c "$work/got" | head -20 >&2
    cat "$work/got.err" >&2
    fail "stdout differs for: $*"
  fi
  [ "$want_rc" = "$got_rc" ] || fail "exit $got_rc, kcat $want_rc, for: $*"
  echo "ok: same output ($(wc -c <"$work/got") bytes, exit $got_rc): $*"
}

# one_error_line EXPECTED-RC ARGS...: kafkit fails with that exit code and one stderr line.
one_error_line() {
  local want_rc=$1 rc=0
  shift
  "$kafkit_exe" "$@" >"$work/out" 2>"$work/err" || rc=$?
  [ "$rc" = "$want_rc" ] || fail "exit $rc, not $want_rc, for: $* ($(cat "$work/err"))"
  [ "$(wc -l <"$work/err")" = 1 ] || fail "stderr is not one line for: $*: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "stdout not empty for: $*"
  echo "ok: exit $rc, '$(cat "$work/err")': $*"
}

# Messages produced by kcat: keys, headers, three partitions, null keys and values (-Z),
# control and non-UTF-8 bytes.
printf 'k1:v1\nk2:\n:v3\nk4:bin\001\033\177\377"\\/\b\f\n' | k -P -t c1 -p 0 -K: -H h1=a -H h2=
printf 'a\nb\n' | k -P -t c1 -p 1 -Z -K:
printf ':\nx:\n:y\n' | k -P -t c1 -p 2 -Z -K:
printf '\000\000\001\002:\001\002\003\004\005\006\007\010rest\n' | k -P -t c2 -p 0 -K:
seq 1 2000 | sed 's/$/ line/' | k -P -t c3 -p 0
seq 1 5 | k -P -t c4 -p 0
sleep 0.05
seq 6 10 | k -P -t c4 -p 0
ts=$(k -C -t c4 -p 0 -o 5 -c 1 -q -f '%T')
printf 'hv\n' | k -P -t c5 -p 0 -H nullh -H e= -H h=v

# Default output, -K, -D, -Z, -O (kcat 1.7.1's consumer ignores -O).
same --sorted -C -t c1 -e
same -C -t c1 -p 0 -e
same -C -t c1 -p 0 -e -K ::
same --sorted -C -t c1 -e -K '|' -Z
same -C -t c1 -p 2 -e -K '\t' -D '\r\n' -Z
same -C -t c1 -p 0 -e -O
same -C -t c1 -p 1 -e -D ''

# -f formats.
same --sorted -C -t c1 -e -f '%t|%p|%o|%k|%K|%s|%S|%h|%T|\n'
same -C -t c1 -p 0 -e -f 'Topic %t [%p] at offset %o: key %k: %s\n'
same -C -t c1 -p 0 -e -f 'a\x41\x4142\xff\65\0x\tb\\n%%\n'
same -C -t c1 -p 2 -e -f '%R%s|%K %S\n'
same -C -t c1 -p 0 -e -f '%h\n'

# -J, with its delimiter.
same --sorted -C -t c1 -e -J
same -C -t c1 -p 0 -e -J -D '\r\n'
same -C -t c1 -p 2 -e -J -f 'X%s'
same -C -t c5 -p 0 -e -J
same -C -t c5 -p 0 -e -f '%h|%s\n'

# kafkit's encodings of binary bytes: %{hex}s / %{base64}k and -J --encoding.
want=$(k -C -t c1 -p 0 -o 3 -c 1 -q -f '%s' | od -An -tx1 | tr -d ' \n')
got=$(kf -C -t c1 -p 0 -o 3 -c 1 -q -f '%{hex}s')
[ "$got" = "$want" ] || fail "%{hex}s: $got, kcat's bytes: $want"
[ "$(kf -C -t c1 -p 0 -o 3 -c 1 -q -f '%{base64}k|%{hex}h')" = "azQ=|h1=61,h2=" ] ||
  fail "%{base64}k|%{hex}h: $(kf -C -t c1 -p 0 -o 3 -c 1 -q -f '%{base64}k|%{hex}h')"
json=$(kf -C -t c1 -p 0 -o 3 -c 1 -q -J --encoding base64)
case "$json" in
  *'"headers":["h1","YQ==","h2",""],"key":"azQ=","payload":"'*'","encoding":"base64"}') ;;
  *) fail "-J --encoding base64: $json" ;;
esac
payload=$(echo "$json" | sed 's/.*"payload":"\([^"]*\)".*/\1/' | base64 -d | od -An -tx1 | tr -d ' \n')
[ "$payload" = "$want" ] || fail "-J base64 payload decodes to $payload, not $want"
echo "ok: %{hex}, %{base64}, -J --encoding"

# -o, -c, -p, -u.
same -C -t c3 -p 0 -o 1990 -e
same -C -t c3 -p 0 -o -5 -e
same --sorted -C -t c3 -o -3 -e -f '%p %o %s\n'
kf -C -t c3 -o end -e >"$work/end" 2>"$work/end.err"
[ ! -s "$work/end" ] || fail "-o end printed old messages"
grep -q "^% Reached end of topic c3 \[0\] at offset 2000" "$work/end.err" || fail "-o end: $(cat "$work/end.err")"
same -C -t c3 -p 0 -o beginning -c 3
same -C -t c3 -p 0 -c 1500 -u
same -C -t c3 -p 0 -e -u -f '%o\n'
same -C -t c4 -p 0 -o "s@$ts" -e
same -C -t c4 -p 0 -o "e@$ts"
same -C -t c4 -p 0 -o "e@$ts" -e
same -C -t c4 -p 0 -o 2 -o "e@$ts" -e

# -s pack deserializers, and kcat's error for bytes that do not fit (partial line, exit 1).
same -C -t c2 -p 0 -e -s key=i -s 'value=b B h H' -K '|'
same -C -t c2 -p 0 -e -s 'value=Q s' -f '%s\n'
same -C -t c2 -p 0 -e -s key=q -K '|'
grep -q "key truncated, expected 8 bytes to unpack q but only 4 bytes remaining" "$work/got.err" ||
  fail "-s error text: $(cat "$work/got.err")"
same -C -t c2 -p 0 -e -E -s key=q -f '%o %k %s\n'

# -e prints kcat's end-of-partition lines on stderr (-q silences them).
kf -C -t c1 -e -f '' 2>"$work/err" >/dev/null
for line in "c1 [0] at offset 4" "c1 [1] at offset 2" "c1 [2] at offset 3"; do
  grep -qF "% Reached end of topic $line" "$work/err" || fail "no end line '$line': $(cat "$work/err")"
done
grep -q ": exiting$" "$work/err" || fail "no exiting line"
kf -C -t c1 -e -q >/dev/null 2>"$work/err"
[ ! -s "$work/err" ] || fail "-q still wrote: $(cat "$work/err")"
echo "ok: -e end lines, -q"

# -G: the same messages as kcat -G, each from a fresh group.
k -G fresh-kcat -X auto.offset.reset=earliest -e c1 c3 -f '%t %p %o %k %s\n' 2>/dev/null |
  LC_ALL=C sort >"$work/want"
kf -G fresh-kafkit -X auto.offset.reset=earliest -e c1 c3 -f '%t %p %o %k %s\n' 2>"$work/got.err" |
  LC_ALL=C sort >"$work/got"
[ "$(wc -l <"$work/want")" = 2009 ] || fail "kcat -G read $(wc -l <"$work/want") lines"
cmp -s "$work/want" "$work/got" || fail "-G output differs: $(diff "$work/want" "$work/got" | head)"
grep -q "^% Group fresh-kafkit rebalanced (memberid .*): assigned: c1 \[0\], c1 \[1\], c1 \[2\], c3 \[0\], c3 \[1\], c3 \[2\]$" \
  "$work/got.err" || fail "-G assignment line: $(cat "$work/got.err")"
echo "ok: -G prints what kcat -G prints"

# kcat's rebalance and end lines on stderr (member ids and partition order aside), eager
# and cooperative.
for strategy in range cooperative-sticky; do
  k -G "lines-k-$strategy" -X partition.assignment.strategy=$strategy -o beginning -e c1 \
    2>"$work/want.err" >/dev/null
  kf -G "lines-f-$strategy" -X partition.assignment.strategy=$strategy -o beginning -e c1 \
    2>"$work/got.err" >/dev/null
  for f in want got; do
    grep '^% ' "$work/$f.err" | sed 's/memberid [^,)]*/memberid M/; s/lines-[kf]-/lines-/; s/: exiting$//' |
      LC_ALL=C sort >"$work/$f.lines"
  done
  cmp -s "$work/want.lines" "$work/got.lines" ||
    fail "-G $strategy stderr lines: $(diff "$work/want.lines" "$work/got.lines")"
done
echo "ok: -G stderr lines as kcat's (range, cooperative-sticky)"

# -G commits: a second run resumes where the first stopped (also mid-batch with -c), and
# kcat continues from kafkit's commits.
kf -G resume -X auto.offset.reset=earliest -e c3 -c 10 -q -f '%o\n' >"$work/run1"
[ "$(cat "$work/run1")" = "$(seq 0 9)" ] || fail "-G run 1: $(head -c 200 "$work/run1")"
kf -G resume -e c3 -c 5 -q -f '%o\n' >"$work/run2"
[ "$(cat "$work/run2")" = "$(seq 10 14)" ] || fail "-G run 2 did not resume: $(cat "$work/run2")"
k -G resume -e c3 -c 1 -q -f '%o\n' >"$work/run3"
[ "$(cat "$work/run3")" = "15" ] || fail "kcat after kafkit's commit: $(cat "$work/run3")"
seq 1 3 | k -P -t c3 -p 0
kf -G resume -e c3 -q -f '%o\n' | wc -l >"$work/run4"
[ "$(cat "$work/run4")" = "1987" ] || fail "-G run 4: $(cat "$work/run4") lines"
kf -G resume -e c3 -q -f '%o\n' >"$work/run5"
[ ! -s "$work/run5" ] || fail "-G run 5 re-read: $(head -3 "$work/run5")"
echo "ok: -G resumes from its commits (and kcat from kafkit's)"

# Ctrl-C: a -G consumer without -e stops cleanly and commits what it printed.
"$kafkit_exe" -b "$bootstrap" -G sigint -X auto.offset.reset=earliest c3 -q -f '%o\n' \
  >"$work/sig.out" 2>"$work/sig.err" &
consumer_pid=$!
for _ in $(seq 200); do
  [ "$(wc -l <"$work/sig.out")" -ge 2003 ] && break
  sleep 0.1
done
kill -INT "$consumer_pid"
rc=0
wait "$consumer_pid" || rc=$?
consumer_pid=
[ "$rc" = 0 ] || fail "SIGINT exit $rc: $(cat "$work/sig.err")"
[ "$(wc -l <"$work/sig.out")" = 2003 ] || fail "SIGINT: $(wc -l <"$work/sig.out") lines"
kf -G sigint -e c3 -q -f '%o\n' >"$work/sig.again"
[ ! -s "$work/sig.again" ] || fail "not committed on SIGINT: $(head -3 "$work/sig.again")"
echo "ok: SIGINT closes cleanly and commits"

# Errors: one stderr line and a non-zero exit each.
one_error_line 1 -b "$bootstrap" -C -t nosuch -e
grep -q nosuch "$work/err" || fail "unknown topic not named"
one_error_line 1 -b "$bootstrap" -G g nosuch -e
one_error_line 1 -b "$bootstrap" -C -t c1 -p 9 -e
one_error_line 2 -b "$bootstrap" -C -t c1 -o yesterday -e
one_error_line 2 -b "$bootstrap" -C -t c1 -o s@noon -e
one_error_line 2 -b "$bootstrap" -C -t c1 -f '%z' -e
one_error_line 2 -b "$bootstrap" -C -t c1 -s key=x -e
one_error_line 2 -b "$bootstrap" -C -e
one_error_line 2 -b "$bootstrap" -G g c1 -o "e@$ts"
one_error_line 1 -b "$bootstrap" -C -t c1 -o stored -e
start=$(date +%s)
one_error_line 1 -b 127.0.0.1:1 -C -t c1 -e -m 2
one_error_line 1 -b 127.0.0.1:1 -G g c1 -e -m 2
[ $(($(date +%s) - start)) -le 10 ] || fail "unreachable broker not bounded by -m"

stop_broker
broker_pid=
echo "ok: done"
