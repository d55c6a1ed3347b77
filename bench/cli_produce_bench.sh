#!/usr/bin/env bash
# kafkit -P against kcat -P, side by side on one kafkit-broker: N short lines from a file
# (default 1,000,000), each tool run RUNS times (default 3) alternately into its own topic;
# prints every wall time, the best of each and their ratio. Run by hand:
#   bench/cli_produce_bench.sh build/tools/broker/kafkit-broker build/tools/kafkit/kafkit
set -euo pipefail
broker_exe=$1
kafkit_exe=$2
lines=${3:-1000000}
runs=${4:-3}
work=$(mktemp -d /tmp/kafkit-cli-bench-XXXXXX)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill -9 "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../tests/lib/kafkit_broker.sh
source "$(dirname "$0")/../tests/lib/kafkit_broker.sh"
start_broker

seq 1 "$lines" | sed 's/^/line /' >"$work/input"
# Both topics exist (one partition each, as auto-created) before the clock starts.
echo warmup | kcat -b "$bootstrap" -P -t bench-kcat
echo warmup | "$kafkit_exe" -q -b "$bootstrap" -P -t bench-kafkit

seconds() { # seconds COMMAND...: wall time of COMMAND, stdin from the input file
  local start end
  start=$(date +%s%N)
  "$@" <"$work/input"
  end=$(date +%s%N)
  echo "scale=3; ($end - $start) / 1000000000" | bc
}
best_kcat=
best_kafkit=
for run in $(seq "$runs"); do
  t_kcat=$(seconds kcat -b "$bootstrap" -P -t bench-kcat)
  t_kafkit=$(seconds "$kafkit_exe" -q -b "$bootstrap" -P -t bench-kafkit)
  echo "run $run: kcat -P ${t_kcat} s, kafkit -P ${t_kafkit} s"
  if [ -z "$best_kcat" ] || [ "$(echo "$t_kcat < $best_kcat" | bc)" = 1 ]; then best_kcat=$t_kcat; fi
  if [ -z "$best_kafkit" ] || [ "$(echo "$t_kafkit < $best_kafkit" | bc)" = 1 ]; then
    best_kafkit=$t_kafkit
  fi
done
# Every message arrived: the end offsets count warm-up plus every run.
want=$((1 + lines * runs))
for t in bench-kcat bench-kafkit; do
  got=$(kcat -b "$bootstrap" -Q -t "$t:0:-1" | awk '{print $NF}')
  [ "$got" = "$want" ] || fail "$t holds $got messages, want $want"
done
echo "best of $runs, $lines lines: kcat -P ${best_kcat} s, kafkit -P ${best_kafkit} s:" \
  "kafkit is $(echo "scale=2; $best_kcat / $best_kafkit" | bc)x kcat"
kill -TERM "$broker_pid"
wait "$broker_pid" 2>/dev/null || true
broker_pid=
