#!/usr/bin/env bash
# kcat (Debian package, librdkafka) against kafkit-broker with simple authorization (issue
# 8): alice may write and read topic `orders` and group g1, bob may only describe them, admin
# is a super user. bob's produce, fetch and group join are refused with librdkafka's names
# for TOPIC_AUTHORIZATION_FAILED / GROUP_AUTHORIZATION_FAILED, his metadata listing shows
# only `orders`, each refusal is one broker log line, and alice is served throughout.
# Usage: kcat_authz_test.sh PATH/TO/kafkit-broker
set -euo pipefail
broker_exe=$1
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test kcat-authz
start_broker --listen SASL_PLAINTEXT://127.0.0.1:0 \
  --set sasl.enabled.mechanisms=PLAIN \
  --set 'sasl.users=alice:a-secret,bob:b-secret,admin:x' \
  --set authorizer.enabled=true --set super.users=User:admin \
  --set 'acl.rules=User:alice:topic:orders:read,write;User:alice:group:g1:read;User:bob:topic:orders:describe;User:bob:group:g1:describe'

# ku USER PASSWORD ARGS...: kcat as USER over SASL_PLAINTEXT/PLAIN.
ku() {
  local user=$1 password=$2
  shift 2
  k -X security.protocol=sasl_plaintext -X sasl.mechanisms=PLAIN \
    -X "sasl.username=$user" -X "sasl.password=$password" "$@"
}

# The super user creates both topics (auto-creation needs CREATE, which only admin has).
echo admin-0 | ku admin x -P -t orders -p 0 || fail "admin could not produce to orders"
echo secret-0 | ku admin x -P -t secret -p 0 || fail "admin could not produce to secret"
echo "ok: the super user creates and writes topics"

if out=$(echo bob-0 | ku bob b-secret -P -t orders -p 0 2>&1); then
  fail "bob's produce was accepted: $out"
fi
echo "$out" | grep -q "Broker: Topic authorization failed" || fail "bob produce: $out"
echo "ok: bob's produce refused with Topic authorization failed"

echo alice-0 | ku alice a-secret -P -t orders -p 0 || fail "alice could not produce"
echo "ok: alice produces while bob is refused"

if out=$(ku bob b-secret -C -t orders -p 0 -o beginning -e 2>&1); then
  fail "bob's fetch was accepted: $out"
fi
echo "$out" | grep -q "Broker: Topic authorization failed" || fail "bob fetch: $out"
echo "ok: bob's fetch refused with Topic authorization failed"

if out=$(ku bob b-secret -G g1 -o beginning -e orders 2>&1); then
  fail "bob joined group g1: $out"
fi
echo "$out" | grep -q "Broker: Group authorization failed" || fail "bob join: $out"
echo "ok: bob's JoinGroup refused with Group authorization failed"

meta=$(ku bob b-secret -L)
echo "$meta" | grep -q 'topic "orders"' || fail "bob's listing lacks orders: $meta"
if echo "$meta" | grep -q 'topic "secret"'; then fail "bob's listing shows secret: $meta"; fi
echo "ok: bob's metadata lists only the topic he may describe"

got=$(ku alice a-secret -G g1 -o beginning -e orders 2>/dev/null)
[ "$got" = "$(printf 'admin-0\nalice-0')" ] || fail "alice consumed: $got"
echo "ok: alice consumes orders in group g1"

for what in "denied write on topic orders (Produce)" "denied read on topic orders (Fetch)" \
  "denied read on group g1 (JoinGroup)"; do
  grep -q "User:bob from .* $what" "$work/stderr" || fail "no broker line: $what"
done
echo "ok: each refusal is logged by the broker"
