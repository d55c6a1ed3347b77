#!/usr/bin/env bash
# kcat (Debian package, built on librdkafka) against kafkit-broker as a real process:
# metadata listing, produce with each codec, consume to the end, offset queries by time.
# Usage: kcat_interop_test.sh PATH/TO/kafkit-broker
set -euo pipefail
broker_exe=$1
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test kcat
start_broker --set num.partitions=2

# Produce keyed messages with every codec, then consume them back with kcat.
for codec in none gzip snappy lz4 zstd; do
  topic="kcat-$codec"
  seq 1 500 | sed 's/.*/key&:value &/' | k -P -t "$topic" -p 0 -K: -z "$codec"
  got=$(k -C -t "$topic" -p 0 -o beginning -e -q -f '%k=%s@%o\n')
  want=$(seq 1 500 | awk '{printf "key%d=value %d@%d\n", $1, $1, $1-1}')
  [ "$got" = "$want" ] || fail "$codec: consumed records differ"
  echo "ok: $codec round trip (500 records)"
done

# Headers and the JSON envelope.
printf 'hello\n' | k -P -t kcat-json -p 0 -H trace=abc -H n=1
json=$(k -C -t kcat-json -p 0 -e -q -J)
echo "$json" | grep -q '"payload":"hello"' || fail "JSON envelope: $json"
echo "$json" | grep -q '"headers":\["trace","abc","n","1"\]' || fail "headers: $json"
echo "ok: headers and -J"

# -L lists brokers and topics with their partitions.
meta=$(k -L)
echo "$meta" | grep -q "1 brokers:" || fail "-L brokers: $meta"
echo "$meta" | grep -q 'topic "kcat-lz4" with 2 partitions:' || fail "-L topic: $meta"
echo "$meta" | grep -q "partition 1, leader 1, replicas: 1, isrs: 1" || fail "-L partition: $meta"
echo "ok: -L"

# -Q: offsets by timestamp (-1 = end, -2 = beginning, a time = first record at or after it).
[ "$(k -Q -t kcat-none:0:-1)" = "kcat-none [0] offset 500" ] || fail "-Q end: $(k -Q -t kcat-none:0:-1)"
[ "$(k -Q -t kcat-none:0:-2)" = "kcat-none [0] offset 0" ] || fail "-Q beginning"
now_ms=$(($(date +%s) * 1000 + 60000))
[ "$(k -Q -t kcat-none:0:$now_ms)" = "kcat-none [0] offset -1" ] || fail "-Q future: $(k -Q -t kcat-none:0:$now_ms)"
echo "ok: -Q"

# Consuming from an offset in the middle, and -c.
got=$(k -C -t kcat-gzip -p 0 -o 250 -c 3 -q -f '%o ')
[ "$got" = "250 251 252 " ] || fail "-o 250 -c 3: '$got'"
echo "ok: -o/-c"

stop_broker
broker_pid=
grep -q "stopped cleanly" "$work/stderr" || fail "no clean stop"
echo "ok: clean shutdown"
