#!/usr/bin/env bash
# kcat (Debian package, librdkafka) against kafkit-broker's SASL_PLAINTEXT listener (issue 8):
# produce and consume with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512; a wrong password is
# refused with the broker's reason and the broker keeps serving the right one.
# Usage: kcat_sasl_test.sh PATH/TO/kafkit-broker
set -euo pipefail
broker_exe=$1
work=$(mktemp -d /tmp/kafkit-kcat-sasl-XXXXXX)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill -9 "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
start_broker --listen SASL_PLAINTEXT://127.0.0.1:0 \
  --set sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512 \
  --set 'sasl.users=alice:alice-secret,bob:bob-secret'

# ks MECHANISM USER PASSWORD ARGS...: kcat over SASL_PLAINTEXT.
ks() {
  local mechanism=$1 user=$2 password=$3
  shift 3
  k -X security.protocol=sasl_plaintext -X "sasl.mechanisms=$mechanism" \
    -X "sasl.username=$user" -X "sasl.password=$password" "$@"
}

for mechanism in PLAIN SCRAM-SHA-256 SCRAM-SHA-512; do
  topic="sasl-$mechanism"
  seq 1 200 | sed 's/.*/key&:value &/' | ks "$mechanism" alice alice-secret -P -t "$topic" -p 0 -K:
  got=$(ks "$mechanism" bob bob-secret -C -t "$topic" -p 0 -o beginning -e -q -f '%k=%s\n')
  want=$(seq 1 200 | awk '{printf "key%d=value %d\n", $1, $1}')
  [ "$got" = "$want" ] || fail "$mechanism: consumed records differ"
  echo "ok: $mechanism produce and consume (200 records)"
done

# A wrong password: kcat fails and says why (librdkafka logs the broker's error message).
for mechanism in PLAIN SCRAM-SHA-512; do
  if out=$(ks "$mechanism" alice wrong -L -m 5 2>&1); then
    fail "$mechanism: a wrong password was accepted: $out"
  fi
  echo "$out" | grep -qi "authentication failed" || fail "$mechanism: unclear refusal: $out"
  echo "ok: $mechanism wrong password refused"
done

# The broker still serves everyone else.
meta=$(ks SCRAM-SHA-512 alice alice-secret -L)
echo "$meta" | grep -q 'topic "sasl-PLAIN" with 1 partitions:' || fail "-L after refusals: $meta"
grep -q "SASL/SCRAM-SHA-512 authenticated" "$work/stdout" "$work/stderr" ||
  fail "the broker did not log the authenticated principal"
echo "ok: served after refusals"
