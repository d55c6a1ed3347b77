#!/usr/bin/env bash
# kcat (Debian package, librdkafka) against kafkit-broker over SASL (issue 8): one broker
# with a SASL_PLAINTEXT and a SASL_SSL listener — produce and consume with PLAIN,
# SCRAM-SHA-256 and SCRAM-SHA-512 in plaintext, with SCRAM-SHA-512 inside TLS (read back
# through either listener, each advertising its own ports); a wrong password is refused
# with the broker's reason and the broker keeps serving the right one. Then mTLS under
# SASL_SSL (ssl.client.auth=required). The PKI is made at test time (tests/lib/test_pki.sh).
# Usage: kcat_sasl_test.sh PATH/TO/kafkit-broker
set -euo pipefail
broker_exe=$1
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test kcat-sasl
# shellcheck source=../../lib/test_pki.sh
source "$(dirname "$0")/../../lib/test_pki.sh"
make_test_pki
sasl_props=(--set sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
  --set 'sasl.users=alice:alice-secret,bob:bob-secret'
  --set "ssl.certificate.location=$pki/server.pem" --set "ssl.key.location=$pki/server.key")
start_broker --listen SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0 "${sasl_props[@]}"
ssl_bootstrap=$(listener_servers 1)
[ -n "$ssl_bootstrap" ] || fail "no SASL_SSL listener line: $(cat "$work/stdout")"
[ "$(listener_servers 0)" = "$bootstrap" ] || fail "listener 0 is not the bootstrap listener"

# ks MECHANISM USER PASSWORD ARGS...: kcat over SASL_PLAINTEXT.
ks() {
  local mechanism=$1 user=$2 password=$3
  shift 3
  k -X security.protocol=sasl_plaintext -X "sasl.mechanisms=$mechanism" \
    -X "sasl.username=$user" -X "sasl.password=$password" "$@"
}
# kss USER PASSWORD ARGS...: kcat over SASL_SSL with SCRAM-SHA-512, to the SASL_SSL listener.
kss() {
  local user=$1 password=$2
  shift 2
  timeout -s KILL 60 kcat -b "$ssl_bootstrap" -X security.protocol=sasl_ssl \
    -X "ssl.ca.location=$pki/ca.pem" -X sasl.mechanisms=SCRAM-SHA-512 \
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

# SASL_SSL with SCRAM-SHA-512: produce inside TLS, read back through both listeners.
seq 1 300 | sed 's/.*/key&:value &/' | kss alice alice-secret -P -t sasl-ssl -p 0 -K: -z lz4
want=$(seq 1 300 | awk '{printf "key%d=value %d\n", $1, $1}')
got=$(kss bob bob-secret -C -t sasl-ssl -p 0 -o beginning -e -q -f '%k=%s\n')
[ "$got" = "$want" ] || fail "SASL_SSL: consumed records differ"
got=$(ks SCRAM-SHA-512 bob bob-secret -C -t sasl-ssl -p 0 -o beginning -e -q -f '%k=%s\n')
[ "$got" = "$want" ] || fail "SASL_SSL records read over SASL_PLAINTEXT differ"
echo "ok: SCRAM-SHA-512 over SASL_SSL produce and consume (300 records)"
# Each listener advertises its own port.
meta=$(kss alice alice-secret -L)
echo "$meta" | grep -q "at $ssl_bootstrap" || fail "SASL_SSL -L does not advertise $ssl_bootstrap: $meta"
meta=$(ks PLAIN alice alice-secret -L)
echo "$meta" | grep -q "at $bootstrap" || fail "SASL_PLAINTEXT -L does not advertise $bootstrap: $meta"
echo "ok: each listener advertises its own endpoint"
if out=$(kss alice wrong -L -m 5 2>&1); then fail "SASL_SSL: a wrong password was accepted: $out"; fi
echo "$out" | grep -qi "authentication failed" || fail "SASL_SSL: unclear refusal: $out"
if out=$(timeout 20 kcat -b "$ssl_bootstrap" -X security.protocol=sasl_plaintext \
  -X sasl.mechanisms=PLAIN -X sasl.username=alice -X sasl.password=alice-secret -m 5 -L 2>&1); then
  fail "SASL_PLAINTEXT accepted on the SASL_SSL listener: $out"
fi
kss alice alice-secret -L >/dev/null || fail "SASL_SSL after refusals"
echo "ok: SASL_SSL wrong password and SASL_PLAINTEXT client refused, still served"
stop_broker
broker_pid=

# mTLS under SASL_SSL: a client certificate and SASL credentials, both required.
start_broker --listen SASL_SSL://127.0.0.1:0 "${sasl_props[@]}" \
  --set "ssl.ca.location=$pki/ca.pem" --set ssl.client.auth=required
ssl_bootstrap=$bootstrap
cert=(-X "ssl.certificate.location=$pki/client.pem" -X "ssl.key.location=$pki/client.key")
seq 1 50 | kss alice alice-secret "${cert[@]}" -P -t mtls-sasl -p 0
got=$(kss bob bob-secret "${cert[@]}" -C -t mtls-sasl -p 0 -o beginning -e -q -f '%s\n')
[ "$got" = "$(seq 1 50)" ] || fail "mTLS+SASL_SSL: consumed records differ"
echo "ok: mTLS + SASL_SSL SCRAM-SHA-512 produce and consume"
if out=$(kss alice alice-secret -m 5 -L 2>&1); then fail "no client certificate accepted: $out"; fi
if out=$(kss alice wrong "${cert[@]}" -m 5 -L 2>&1); then
  fail "mTLS: a wrong password was accepted: $out"
fi
echo "$out" | grep -qi "authentication failed" || fail "mTLS: unclear refusal: $out"
echo "ok: mTLS + SASL_SSL refuses a missing certificate and a wrong password"
stop_broker
broker_pid=
