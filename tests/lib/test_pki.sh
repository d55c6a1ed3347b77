# Sourced by the shell tests over TLS: a throwaway PKI made with the openssl CLI in
# $work/pki (nothing secret is committed). make_test_pki writes ca.pem, rogue-ca.pem,
# server.pem/.key (localhost, 127.0.0.1) and client.pem/.key, and sets pki.

ossl() { openssl "$@" 2>>"$pki/openssl.log"; }
new_ca() {  # new_ca NAME
  ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/$1.key" \
    -out "$pki/$1.pem" -days 2 -subj "/CN=$1"
}
new_leaf() {  # new_leaf NAME CA SAN
  ossl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/$1.key" \
    -out "$pki/$1.csr" -subj "/CN=$1"
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$3" >"$pki/$1.ext"
  ossl x509 -req -in "$pki/$1.csr" -CA "$pki/$2.pem" -CAkey "$pki/$2.key" -CAcreateserial \
    -out "$pki/$1.pem" -days 2 -extfile "$pki/$1.ext"
}
make_test_pki() {
  pki=$work/pki
  mkdir -p "$pki"
  new_ca ca
  new_ca rogue-ca
  new_leaf server ca "DNS:localhost,IP:127.0.0.1"
  new_leaf client ca "DNS:kcat-client"
}
