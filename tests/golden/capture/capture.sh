#!/usr/bin/env bash
# Regenerate the golden Kafka wire captures in tests/golden/data/.
#
#   tests/golden/capture/capture.sh [SCENARIO...]
#
# With no arguments every scenario is captured and data/ is rebuilt from
# scratch; with arguments only the named scenarios are (re)captured.
#
# Needs: root (or CAP_NET_RAW) for tcpdump on lo, gcc, pkg-config,
# librdkafka-dev (2.0.2), kcat, python3, tcpdump.
#
# For every scenario a fresh peer "broker" is started on 127.0.0.1 (the
# librdkafka mock cluster via `peers mock`, or stub_broker.py for the Admin
# scenario), tcpdump records loopback traffic to that port while the
# client(s) run, and pcap_to_frames.py splits the capture into
# <scenario>-<NN>.req.bin / .resp.bin.  make_manifest.py then writes
# data/MANIFEST.md and data/MANIFEST.tsv.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GOLDEN="$(dirname "$HERE")"
DATA="$GOLDEN/data"
WORK="$(mktemp -d /tmp/kafkit-golden.XXXXXX)"
PEERS="$WORK/peers"
STEP_TIMEOUT=30   # every client step must finish within this many seconds

SERVER_PID=""
SERVER_FD=""
TCPDUMP_PID=""

log() { printf '== %s\n' "$*" >&2; }

cleanup() {
    stop_capture || true
    stop_server || true
    if [[ -z "${KEEP_WORK:-}" ]]; then rm -rf "$WORK"; else log "work dir kept: $WORK"; fi
}
trap cleanup EXIT

for tool in gcc pkg-config tcpdump kcat python3; do
    command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

log "building peers"
gcc -O1 -Wall -o "$PEERS" "$HERE/peers.c" $(pkg-config --cflags --libs rdkafka)

# ---------------------------------------------------------------------------
# Server (mock cluster / stub) handling.  The server runs until its stdin
# (a FIFO we hold open) is closed, and prints its bootstrap address first.
# ---------------------------------------------------------------------------
start_server() { # name cmd...
    local name="$1"; shift
    local fifo="$WORK/$name.stdin"
    rm -f "$fifo"; mkfifo "$fifo"
    timeout 300 "$@" <"$fifo" >"$WORK/$name.server.out" 2>"$WORK/$name.server.err" &
    SERVER_PID=$!
    exec {SERVER_FD}>"$fifo"
    local i
    for i in $(seq 1 300); do
        if [[ -s "$WORK/$name.server.out" ]]; then
            BOOTSTRAP="$(head -n1 "$WORK/$name.server.out")"
            PORT="${BOOTSTRAP##*:}"
            [[ "$BOOTSTRAP" == 127.0.0.1:* ]] || { echo "unexpected bootstrap $BOOTSTRAP" >&2; exit 1; }
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "server for $name did not start; see $WORK/$name.server.err" >&2
    cat "$WORK/$name.server.err" >&2 || true
    exit 1
}

stop_server() {
    if [[ -n "$SERVER_FD" ]]; then exec {SERVER_FD}>&-; SERVER_FD=""; fi
    if [[ -n "$SERVER_PID" ]]; then
        local i
        for i in $(seq 1 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}

start_capture() { # name port
    local name="$1" port="$2"
    : >"$WORK/$name.tcpdump.log"
    tcpdump -i lo -n -s 0 -U --immediate-mode -Z root -w "$WORK/$name.pcap" "tcp port $port" \
        2>"$WORK/$name.tcpdump.log" &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 1 100); do
        grep -q "listening on" "$WORK/$name.tcpdump.log" && { sleep 0.2; return 0; }
        kill -0 "$TCPDUMP_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "tcpdump did not start:" >&2; cat "$WORK/$name.tcpdump.log" >&2
    exit 1
}

stop_capture() {
    if [[ -n "$TCPDUMP_PID" ]]; then
        sleep 0.5   # let the last segments/FINs arrive
        kill -INT "$TCPDUMP_PID" 2>/dev/null || true
        wait "$TCPDUMP_PID" 2>/dev/null || true
        TCPDUMP_PID=""
    fi
}

# run_step NAME cmd... : run one client step with a hard time limit.
# With EXPECT_FAIL=1 a non-zero exit is expected (only timeouts are reported).
run_step() {
    local name="$1"; shift
    local rc=0
    timeout -k 5 "$STEP_TIMEOUT" "$@" >>"$WORK/$name.client.log" 2>&1 || rc=$?
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        log "  step '$*' TIMED OUT after ${STEP_TIMEOUT}s"
    elif [[ $rc -ne 0 && -z "${EXPECT_FAIL:-}" ]]; then
        log "  step '$*' exited with $rc (see log below)"
        tail -n 5 "$WORK/$name.client.log" | sed 's/^/     | /' >&2
    fi
    return 0
}

# capture NAME SERVERKIND [--requests-only] -- step-commands...
# SERVERKIND: mock | mock-seeded | stub ; steps are run by scenario_<...>.
finish_capture() { # name [--requests-only]
    local name="$1"; shift
    stop_capture
    stop_server
    rm -f "$DATA/$name"-[0-9][0-9].*.bin
    python3 "$HERE/pcap_to_frames.py" --port "$PORT" --scenario "$name" \
        --out "$DATA" "$@" "$WORK/$name.pcap" \
        || log "  WARNING: pcap_to_frames reported a problem for $name (exit $?)"
}

with_mock() { # name [mock args...]
    local name="$1"; shift
    start_server "$name" "$PEERS" mock "$@"
    start_capture "$name" "$PORT"
}

with_stub() { # name
    start_server "$1" python3 "$HERE/stub_broker.py"
    start_capture "$1" "$PORT"
}

# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------
KCAT_LINES=$'k1:hello\nk2:world\n:no key here\nk4:\nk5:the quick brown fox jumps over the lazy dog, the quick brown fox jumps over the lazy dog'

scenario_rdkafka_produce() { # codec
    local codec="$1" name="rdkafka-produce-$1"
    with_mock "$name"
    run_step "$name" "$PEERS" produce "$BOOTSTRAP" "$codec"
    finish_capture "$name"
}

scenario_rdkafka_consume_group() {
    local name="rdkafka-consume-group"
    with_mock "$name" --seed
    run_step "$name" "$PEERS" consume "$BOOTSTRAP" golden-group
    finish_capture "$name"
}

scenario_rdkafka_query() {
    local name="rdkafka-query"
    with_mock "$name" --seed
    run_step "$name" "$PEERS" query "$BOOTSTRAP"
    finish_capture "$name"
}

scenario_rdkafka_txn() {
    local name="rdkafka-txn"
    with_mock "$name"
    run_step "$name" "$PEERS" txn "$BOOTSTRAP"
    finish_capture "$name"
}

scenario_rdkafka_admin_mock() {
    # Only the Admin APIs the mock implements (group offsets via
    # OffsetFetch/OffsetCommit); the others are not advertised by the mock,
    # so librdkafka never sends them (and DeleteGroups trips an assertion in
    # librdkafka 2.0.2 in that situation).
    local name="rdkafka-admin-mock"
    with_mock "$name" --seed
    run_step "$name" "$PEERS" admin "$BOOTSTRAP" seq \
        ListConsumerGroupOffsets,AlterConsumerGroupOffsets
    finish_capture "$name"
}

scenario_rdkafka_admin_stub() {
    local name="rdkafka-admin-stub"
    with_stub "$name"
    run_step "$name" "$PEERS" admin "$BOOTSTRAP" par
    finish_capture "$name" --requests-only
}

scenario_rdkafka_sasl_plain_stub() {
    # SASL/PLAIN authentication (SaslHandshake v1 + SaslAuthenticate) with
    # dummy credentials, then one DescribeConfigs; the mock has no SASL.
    local name="rdkafka-sasl-plain-stub"
    with_stub "$name"
    GOLDEN_EXTRA_CONF="security.protocol=sasl_plaintext;sasl.mechanisms=PLAIN;sasl.username=golden-user;sasl.password=golden-password" \
        run_step "$name" "$PEERS" admin "$BOOTSTRAP" par DescribeConfigs
    finish_capture "$name" --requests-only
}

# Older protocol versions.
#
# "kafka0102": the mock advertises (via ApiVersions) only the versions an
#   Apache Kafka 0.10.2 broker supports, so librdkafka negotiates down
#   (Produce v2 with MessageSet magic 1, Fetch v3, JoinGroup v1, ...).
# "fallback090": api.version.request=false + broker.version.fallback=0.9.0:
#   no ApiVersions request at all, Metadata v0, Produce v1 with magic 0.
# The 2.0.2 mock stores only v2 RecordBatches, so it answers these legacy
# Produce requests with UNSUPPORTED_VERSION (35); the consumers therefore
# run against an empty topic (a Fetch response carrying magic-2 batches at
# these versions would not be realistic).
KAFKA_0102_VERSIONS=(--max-version 0:2 --max-version 1:3 --max-version 2:1
                     --max-version 3:2 --max-version 8:2 --max-version 9:2
                     --max-version 10:0 --max-version 11:1 --max-version 12:0
                     --max-version 13:0 --max-version 14:0 --max-version 18:0)
FALLBACK_090_CONF="api.version.request=false;broker.version.fallback=0.9.0;enable.idempotence=false"

scenario_rdkafka_kafka0102_produce() { # codec
    local codec="$1" name="rdkafka-kafka0102-produce-$1"
    with_mock "$name" "${KAFKA_0102_VERSIONS[@]}"
    GOLDEN_EXTRA_CONF="enable.idempotence=false" EXPECT_FAIL=1 \
        run_step "$name" "$PEERS" produce "$BOOTSTRAP" "$codec"
    finish_capture "$name"
}

scenario_rdkafka_kafka0102_consume() {
    local name="rdkafka-kafka0102-consume-group"
    with_mock "$name" "${KAFKA_0102_VERSIONS[@]}"
    run_step "$name" "$PEERS" consume "$BOOTSTRAP" golden-0102-group 6
    finish_capture "$name"
}

scenario_rdkafka_fallback090_produce() { # codec
    local codec="$1" name="rdkafka-fallback090-produce-$1"
    with_mock "$name"
    GOLDEN_EXTRA_CONF="$FALLBACK_090_CONF" EXPECT_FAIL=1 \
        run_step "$name" "$PEERS" produce "$BOOTSTRAP" "$codec"
    finish_capture "$name"
}

scenario_rdkafka_fallback090_consume() {
    local name="rdkafka-fallback090-consume-group"
    with_mock "$name"
    GOLDEN_EXTRA_CONF="$FALLBACK_090_CONF" \
        run_step "$name" "$PEERS" consume "$BOOTSTRAP" golden-090-group 6
    finish_capture "$name"
}

scenario_kcat_metadata() {
    local name="kcat-metadata"
    with_mock "$name"
    run_step "$name" kcat -b "$BOOTSTRAP" -L -m 5
    run_step "$name" kcat -b "$BOOTSTRAP" -L -t golden -m 5
    finish_capture "$name"
}

scenario_kcat_produce() { # codec
    local codec="$1" name="kcat-produce-$1"
    with_mock "$name"
    local z=()
    [[ "$codec" != none ]] && z=(-z "$codec")
    run_step "$name" bash -c 'printf "%s\n" "$1" | kcat -b "$2" -P -t golden -K: -m 5 "${@:3}"' \
        _ "$KCAT_LINES" "$BOOTSTRAP" "${z[@]}"
    finish_capture "$name"
}

scenario_kcat_consume() {
    local name="kcat-consume"
    with_mock "$name" --seed
    run_step "$name" kcat -b "$BOOTSTRAP" -C -t golden -e -o beginning -m 5 -q \
        -f '%t[%p]@%o %k=%s\n'
    finish_capture "$name"
}

scenario_kcat_query() {
    local name="kcat-query"
    with_mock "$name" --seed
    run_step "$name" kcat -b "$BOOTSTRAP" -Q -m 5 -t golden:0:1700000000000 \
        -t golden:1:1700000012000 -t golden:2:-1
    finish_capture "$name"
}

scenario_kcat_group() {
    local name="kcat-group"
    with_mock "$name" --seed
    # -e: exit once every assigned partition reached its end
    run_step "$name" kcat -b "$BOOTSTRAP" -G golden-kcat-group -e -q -o beginning \
        -X session.timeout.ms=6000 -X heartbeat.interval.ms=500 golden
    finish_capture "$name"
}

CODECS=(none gzip snappy lz4 zstd)
ALL_SCENARIOS=()
for c in "${CODECS[@]}"; do ALL_SCENARIOS+=("rdkafka-produce-$c"); done
ALL_SCENARIOS+=(rdkafka-consume-group rdkafka-query rdkafka-txn
                rdkafka-admin-mock rdkafka-admin-stub rdkafka-sasl-plain-stub)
for c in none gzip snappy lz4; do ALL_SCENARIOS+=("rdkafka-kafka0102-produce-$c"); done
ALL_SCENARIOS+=(rdkafka-kafka0102-consume-group)
for c in none gzip snappy lz4; do ALL_SCENARIOS+=("rdkafka-fallback090-produce-$c"); done
ALL_SCENARIOS+=(rdkafka-fallback090-consume-group kcat-metadata)
for c in "${CODECS[@]}"; do ALL_SCENARIOS+=("kcat-produce-$c"); done
ALL_SCENARIOS+=(kcat-consume kcat-query kcat-group)

run_scenario() {
    local s="$1"
    log "scenario $s"
    case "$s" in
        rdkafka-produce-*)            scenario_rdkafka_produce "${s#rdkafka-produce-}" ;;
        rdkafka-consume-group)        scenario_rdkafka_consume_group ;;
        rdkafka-query)                scenario_rdkafka_query ;;
        rdkafka-txn)                  scenario_rdkafka_txn ;;
        rdkafka-admin-mock)           scenario_rdkafka_admin_mock ;;
        rdkafka-admin-stub)           scenario_rdkafka_admin_stub ;;
        rdkafka-sasl-plain-stub)      scenario_rdkafka_sasl_plain_stub ;;
        rdkafka-kafka0102-produce-*)  scenario_rdkafka_kafka0102_produce "${s#rdkafka-kafka0102-produce-}" ;;
        rdkafka-kafka0102-consume-group) scenario_rdkafka_kafka0102_consume ;;
        rdkafka-fallback090-produce-*) scenario_rdkafka_fallback090_produce "${s#rdkafka-fallback090-produce-}" ;;
        rdkafka-fallback090-consume-group) scenario_rdkafka_fallback090_consume ;;
        kcat-metadata)                scenario_kcat_metadata ;;
        kcat-produce-*)               scenario_kcat_produce "${s#kcat-produce-}" ;;
        kcat-consume)                 scenario_kcat_consume ;;
        kcat-query)                   scenario_kcat_query ;;
        kcat-group)                   scenario_kcat_group ;;
        *) echo "unknown scenario: $s" >&2; exit 1 ;;
    esac
}

mkdir -p "$DATA"
if [[ $# -eq 0 ]]; then
    rm -f "$DATA"/*.bin
    set -- "${ALL_SCENARIOS[@]}"
fi
for s in "$@"; do run_scenario "$s"; done

python3 "$HERE/make_manifest.py" "$DATA"
log "done: $(ls "$DATA"/*.bin | wc -l) files, $(du -sh "$DATA" | cut -f1) in $DATA"
