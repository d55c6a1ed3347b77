#!/usr/bin/env bash
# The examples users copy from (examples/) against kafkit-broker as a process: the output
# line they print, the exit status, and that the records are in the log (read back by kcat).
# Usage: examples_test.sh PATH/TO/kafkit-broker PATH/TO/kafkit-example-producer
#                         PATH/TO/kafkit-example-typed-producer PATH/TO/kafkit-example-consumer
#                         PATH/TO/kafkit-example-admin
set -euo pipefail
broker_exe=$1 producer_exe=$2 typed_exe=$3 consumer_exe=$4 admin_exe=$5
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test examples
start_broker --set num.partitions=3 --set group.initial.rebalance.delay.ms=0

# producer: one line per run, offsets counting up in the partition it names (a null key
# may land in any of the 3 partitions).
before=$(($(date +%s) * 1000 - 1000))
declare -A written=()
for _ in 1 2 3; do
  out=$(timeout 60 "$producer_exe" "$bootstrap" example-topic) || fail "producer exited $?: $out"
  echo "$out"
  [[ "$out" =~ ^Record\ written\ to\ offset\ ([0-9]+)\ timestamp\ ([0-9]+)\ partition\ ([0-9]+)$ ]] ||
    fail "producer output: '$out'"
  offset=${BASH_REMATCH[1]} timestamp=${BASH_REMATCH[2]} partition=${BASH_REMATCH[3]}
  want_offset=${written[$partition]:-0}
  written[$partition]=$((want_offset + 1))
  [ "$offset" = "$want_offset" ] || fail "offset $offset in partition $partition, expected $want_offset"
  after=$(($(date +%s) * 1000 + 1000))
  [ "$timestamp" -ge "$before" ] && [ "$timestamp" -le "$after" ] ||
    fail "timestamp $timestamp not in [$before, $after]"
  got=$(k -C -t example-topic -p "$partition" -o "$offset" -c 1 -e -q -f '%s@%o %T\n' 2>&1) ||
    fail "kcat could not read $partition/$offset: $got"
  [ "$got" = "hello kafkit@$offset $timestamp" ] || fail "log at $partition/$offset: '$got'"
done
echo "ok: kafkit-example-producer"

# typed producer: three JSON events with keys and headers, one report line each.
out=$(timeout 60 "$typed_exe" "$bootstrap" example-events) || fail "typed producer exited $?: $out"
echo "$out"
[ "$(echo "$out" | grep -cE '^Record written to offset [0-9]+ timestamp [0-9]+ partition [0-2]$')" = 3 ] ||
  fail "typed producer output: '$out'"
got=$(k -C -t example-events -e -q -f '%k %s %h\n' | sort)
want='user-1 {"plan":"free","type":"signup"} content-type=application/json,source=kafkit-example
user-1 {"plan":"pro","type":"upgrade"} content-type=application/json,source=kafkit-example
user-2 {"plan":"pro","type":"signup"} content-type=application/json,source=kafkit-example'
[ "$got" = "$want" ] || fail "typed producer records: '$got'"
# Same key, same partition, in send order.
user1=$(k -C -t example-events -e -q -f '%k %p %s\n' | grep '^user-1 ')
[ "$(echo "$user1" | awk '{print $2}' | sort -u | wc -l)" = 1 ] || fail "user-1 split: $user1"
echo "$user1" | head -1 | grep -q signup || fail "user-1 out of order: $user1"
echo "ok: kafkit-example-typed-producer"

# A configuration error is printed and the exit status is non-zero.
if out=$("$producer_exe" "127.0.0.1:99999" example-topic 2>&1); then fail "bad bootstrap: exit 0"; fi
echo "$out" | grep -q '^Configuration error: ' || fail "bad bootstrap output: '$out'"
echo "ok: configuration error reported"

# consumer: joins group example-group (subscribe), prints the producer's records one line
# each and commits them, so a second run goes on after them; --assign takes the partitions
# itself and starts from the same committed offsets.
out=$(timeout 60 "$consumer_exe" --max 2 "$bootstrap" example-topic example-group) ||
  fail "consumer exited $?: $out"
echo "$out"
[ "$(echo "$out" | grep -cE '^partition [0-2] offset [0-9]+ key \(null\) value hello kafkit$')" = 2 ] ||
  fail "consumer output: '$out'"
out2=$(timeout 60 "$consumer_exe" --assign --partitions 3 --max 1 "$bootstrap" example-topic example-group) ||
  fail "consumer (second run) exited $?: $out2"
echo "$out2"
[ "$(printf '%s\n%s\n' "$out" "$out2" | sort -u | wc -l)" = 3 ] ||
  fail "the second run repeated a committed record: '$out2'"
echo "ok: kafkit-example-consumer"

# admin: creates a topic once (then finds it), describes its partitions and offsets, and
# shows the group the consumer runs above committed on example-topic.
out=$(timeout 60 "$admin_exe" "$bootstrap" example-admin 2) || fail "admin exited $?: $out"
echo "$out"
echo "$out" | head -1 | grep -qx 'created topic example-admin' || fail "admin output: '$out'"
[ "$(echo "$out" | grep -cE '^partition [01] leader [0-9]+ replicas \[[0-9]+\] isr \[[0-9]+\]$')" = 2 ] ||
  fail "admin partitions: '$out'"
[ "$(echo "$out" | grep -cE '^partition [01] earliest 0 latest 0$')" = 2 ] ||
  fail "admin offsets: '$out'"
out=$(timeout 60 "$admin_exe" "$bootstrap" example-topic 3) || fail "admin exited $?: $out"
echo "$out"
echo "$out" | head -1 | grep -qx 'topic example-topic exists' || fail "admin output: '$out'"
[ "$(echo "$out" | grep -cE '^group example-group partition [0-2] committed [0-9]+ lag [0-9]+$')" -ge 1 ] ||
  fail "admin group offsets: '$out'"
echo "ok: kafkit-example-admin"
