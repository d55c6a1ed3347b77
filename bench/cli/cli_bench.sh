#!/usr/bin/env bash
# cli-bench: `kafkit -P` and `kafkit -C -e` against kcat (librdkafka) with the same
# arguments, on the same kafkit-broker, in one run: seconds, msgs/s and the kafkit/kcat
# ratio for producing N lines from a file and consuming them to /dev/null.
#
#   bench/cli/cli_bench.sh [--build DIR] [--messages N] [--size BYTES] [--runs R]
#                          [--partitions P] [--codec none|lz4|...]
#
# DIR defaults to build-release (./dev.sh run builds it). The fastest of R runs counts.
set -euo pipefail
cd "$(dirname "$0")/../.."

build=build-release messages=1000000 size=100 runs=2 partitions=4 codec=none
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --messages) messages=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --partitions) partitions=$2; shift 2 ;;
    --codec) codec=$2; shift 2 ;;
    *) echo "cli-bench: unknown option $1" >&2; exit 2 ;;
  esac
done
kafkit="$build/tools/kafkit/kafkit"
broker_exe="$build/tools/broker/kafkit-broker"
for exe in "$kafkit" "$broker_exe" "$(command -v kcat || true)"; do
  [ -x "$exe" ] || { echo "cli-bench: missing $exe (build first; kcat from Debian)" >&2; exit 2; }
done

work=$(mktemp -d)
broker_pid=
trap '[ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
source tests/lib/kafkit_broker.sh
start_broker --set num.partitions="$partitions" --set auto.create.topics.enable=true

# N lines of `size` bytes each (the newline not counted), all different.
python3 - "$messages" "$size" >"$work/lines" <<'PY'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
pad = "x" * max(0, size - 12)
out = sys.stdout
for i in range(n):
    out.write(f"{i:011d} {pad}"[:size] + "\n")
PY

now() { date +%s.%N; }
# best NAME SECONDS: keeps the smallest time per name.
declare -A best
best() {
  local old=${best[$1]:-}
  if [ -z "$old" ] || awk -v a="$2" -v b="$old" 'BEGIN { exit !(a < b) }'; then best[$1]=$2; fi
}

# timed NAME CMD...: runs CMD, records its wall time under NAME, fails on a non-zero exit.
timed() {
  local name=$1; shift
  local t0 t1
  t0=$(now)
  "$@" || { echo "cli-bench: $name failed" >&2; exit 1; }
  t1=$(now)
  best "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')"
}

count_lines() { local n; n=$(wc -l <"$1"); [ "$n" -eq "$messages" ] || { echo "cli-bench: $2 read $n of $messages" >&2; exit 1; }; }

zflag=()
[ "$codec" != none ] && zflag=(-z "$codec")
for r in $(seq "$runs"); do
  timed "kcat -P" kcat -b "$bootstrap" -P -t "k$r" "${zflag[@]}" "$work/lines" -l
  timed "kafkit -P" "$kafkit" -q -b "$bootstrap" -P -t "f$r" "${zflag[@]}" -l "$work/lines"
  # Both consumers read the same topic (written by kcat), to /dev/null after a count check.
  timed "kcat -C -e" sh -c "kcat -q -b '$bootstrap' -C -e -o beginning -t 'k$r' >'$work/out-k'"
  count_lines "$work/out-k" kcat
  timed "kafkit -C -e" sh -c "'$kafkit' -q -b '$bootstrap' -C -e -o beginning -t 'k$r' >'$work/out-f'"
  count_lines "$work/out-f" kafkit
  cmp -s <(sort "$work/out-k") <(sort "$work/out-f") || { echo "cli-bench: outputs differ" >&2; exit 1; }
done

rate() { awk -v n="$messages" -v s="$1" 'BEGIN { printf "%.0f", n / s }'; }
echo "cli-bench: $messages x $size B lines, $partitions partitions, codec $codec, best of $runs"
printf "%-14s %10s %12s %8s\n" tool seconds msgs/s ratio
for mode in "-P" "-C -e"; do
  k=${best["kcat $mode"]} f=${best["kafkit $mode"]}
  printf "%-14s %10.3f %12s\n" "kcat $mode" "$k" "$(rate "$k")"
  printf "%-14s %10.3f %12s %7.2fx\n" "kafkit $mode" "$f" "$(rate "$f")" "$(awk -v a="$k" -v b="$f" 'BEGIN { print a / b }')"
done
