#!/usr/bin/env bash
# kafkit-fuzz broker against kafkit-broker as a process (issue 9): a bounded run on the
# PLAINTEXT listener and a shorter one on a SASL_PLAINTEXT listener (probed on the
# PLAINTEXT one), each failing on any finding (crash or hang). Afterwards the broker must
# still be the same process, serve a normal kcat produce/consume, and hold its resident
# memory under a fixed bound (bombs, huge counts and huge strings must not pile up).
# Usage: fuzz_broker_test.sh PATH/TO/kafkit-broker PATH/TO/kafkit-fuzz [CASES]
set -euo pipefail
broker_exe=$1
fuzz_exe=$2
cases=${3:-100000}
# The SASL listener answers a failed authentication after 200 ms (as Kafka delays it), so
# cases there run at ~70/s: a fiftieth of the count.
sasl_cases=$((cases / 50))
rss_limit_kb=$((300 * 1024))
work=$(mktemp -d /tmp/kafkit-fuzz-broker-XXXXXX)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill -9 "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# Under the sanitizer build: any UBSan report stops the broker (so it is a crash finding),
# and ASan's freed-memory quarantine (256 MB by default) is kept small, so the RSS bound
# measures the broker and not the quarantine.
# Appended, not defaulted: ./dev.sh test exports its own options, and the last value wins.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"

start_broker --listen 127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0 \
  --set sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512 \
  --set sasl.users=alice:alice-secret
plain=$(listener_servers 0)
sasl=$(listener_servers 1)
[ -n "$plain" ] && [ -n "$sasl" ] || fail "listeners not found: $(cat "$work/stdout")"

# run_fuzz ARGS...: kafkit-fuzz broker, which must exit 0 with "findings: 0"; --timeout-ms
# bounds each case, `timeout` the whole run.
run_fuzz() {
  local rc=0
  timeout -s KILL 600 "$fuzz_exe" broker "$@" --out "$work/findings" >"$work/fuzz.out" \
    2>"$work/fuzz.err" || rc=$?
  cat "$work/fuzz.out"
  [ "$rc" = 0 ] || fail "kafkit-fuzz $* exited $rc: $(grep FINDING "$work/fuzz.out" || cat "$work/fuzz.err")"
  grep -q '^findings: 0$' "$work/fuzz.out" || fail "summary does not say 'findings: 0'"
}

run_fuzz -b "$plain" --seed 1 --cases "$cases" --timeout-ms 3000
grep -q "^cases: $cases in" "$work/fuzz.out" || fail "not all $cases cases ran"
# The structure-aware mutations all ran (names from the summary's per-mutation table).
for m in valid edge-values length-prefix truncate bad-varint huge-count unknown-tags \
  pipelined wrong-header-version batch-bad-crc batch-gzip-bomb batch-zstd-bomb sasl-out-of-order \
  raw-bitflip raw-insert raw-delete; do
  grep -q "^  $m " "$work/fuzz.out" || fail "mutation $m never ran"
done

run_fuzz -b "$sasl" --probe "$plain" --seed 2 --cases "$sasl_cases" --timeout-ms 3000

# Same process, still serving clients.
kill -0 "$broker_pid" 2>/dev/null || fail "kafkit-broker exited"
printf 'after-fuzz-1\nafter-fuzz-2\n' | k -P -t fuzz-after -p 0
got=$(k -C -t fuzz-after -p 0 -o beginning -e -q)
[ "$got" = $'after-fuzz-1\nafter-fuzz-2' ] || fail "produce/consume after fuzzing gave: $got"

rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$broker_pid/status")
echo "broker VmRSS after fuzzing: ${rss} kB (limit ${rss_limit_kb} kB)"
[ "$rss" -lt "$rss_limit_kb" ] || fail "broker RSS ${rss} kB over ${rss_limit_kb} kB"

# A clean shutdown after all that (and, under the sanitizers, no report: leaks included).
kill -TERM "$broker_pid"
rc=0
wait "$broker_pid" || rc=$?
broker_pid=
[ "$rc" = 0 ] || fail "kafkit-broker exited $rc on SIGTERM: $(tail -5 "$work/stderr")"
if grep -E 'runtime error:|AddressSanitizer|LeakSanitizer' "$work/stderr"; then
  fail "sanitizer report in the broker's stderr"
fi
echo "PASS"
