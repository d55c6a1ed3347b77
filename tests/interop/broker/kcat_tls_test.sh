#!/usr/bin/env bash
# kcat (librdkafka, Debian package) against kafkit-broker's SSL listener (issue 8): produce
# and consume over TLS, then over mTLS (ssl.client.auth=required); an untrusted CA and a
# missing client certificate are refused. The PKI is made at test time
# (tests/lib/test_pki.sh).
# Usage: kcat_tls_test.sh PATH/TO/kafkit-broker
set -euo pipefail
broker_exe=$1
# shellcheck source=../../lib/kafkit_broker.sh
source "$(dirname "$0")/../../lib/kafkit_broker.sh"
setup_test kcat-tls

# shellcheck source=../../lib/test_pki.sh
source "$(dirname "$0")/../../lib/test_pki.sh"
make_test_pki

tls=(-X security.protocol=ssl -X "ssl.ca.location=$pki/ca.pem")
mtls=("${tls[@]}" -X "ssl.certificate.location=$pki/client.pem" -X "ssl.key.location=$pki/client.key")

# 1. TLS: produce and consume back.
start_broker --listen SSL://127.0.0.1:0 --set "ssl.certificate.location=$pki/server.pem" \
  --set "ssl.key.location=$pki/server.key"
seq 1 300 | sed 's/.*/key&:value &/' | k "${tls[@]}" -P -t tls -p 0 -K: -z lz4
got=$(k "${tls[@]}" -C -t tls -p 0 -o beginning -e -q -f '%k=%s@%o\n')
want=$(seq 1 300 | awk '{printf "key%d=value %d@%d\n", $1, $1, $1-1}')
[ "$got" = "$want" ] || fail "TLS: consumed records differ"
echo "ok: kcat produce/consume over TLS"
meta=$(k "${tls[@]}" -L)
echo "$meta" | grep -q 'topic "tls" with 1 partitions:' || fail "-L over TLS: $meta"
echo "ok: kcat -L over TLS"

# 2. An untrusted CA: kcat must not get metadata.
if out=$(timeout 20 kcat -b "$bootstrap" -X security.protocol=ssl \
  -X "ssl.ca.location=$pki/rogue-ca.pem" -m 5 -L 2>&1); then
  fail "untrusted CA accepted: $out"
fi
echo "$out" | grep -qi "certificate verify failed\|SSL handshake failed" || fail "untrusted CA: $out"
echo "ok: untrusted CA refused"

# 3. Plaintext kcat against the TLS listener fails; the broker still serves TLS.
if out=$(timeout 20 kcat -b "$bootstrap" -m 5 -L 2>&1); then fail "plaintext accepted: $out"; fi
k "${tls[@]}" -L >/dev/null || fail "TLS after a plaintext client"
echo "ok: plaintext client refused, TLS still served"
stop_broker
broker_pid=

# 4. mTLS: a client certificate is required.
start_broker --listen SSL://127.0.0.1:0 --set "ssl.certificate.location=$pki/server.pem" \
  --set "ssl.key.location=$pki/server.key" --set "ssl.ca.location=$pki/ca.pem" \
  --set ssl.client.auth=required
seq 1 50 | k "${mtls[@]}" -P -t mtls -p 0
got=$(k "${mtls[@]}" -C -t mtls -p 0 -o beginning -e -q -f '%s\n')
[ "$got" = "$(seq 1 50)" ] || fail "mTLS: consumed records differ"
echo "ok: kcat produce/consume over mTLS"
if out=$(timeout 20 kcat -b "$bootstrap" "${tls[@]}" -m 5 -L 2>&1); then
  fail "no client certificate accepted: $out"
fi
grep -q "TLS handshake with .* failed" "$work/stderr" || fail "broker did not log the refusal"
echo "ok: missing client certificate refused"
stop_broker
broker_pid=
