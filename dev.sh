#!/usr/bin/env bash
# kafkit's two commands (see README.md):
#   ./dev.sh run    install missing packages, build, run the main job
#   ./dev.sh test   install missing packages, build, run every test suite
# Both work from a clean clone on a fresh Debian 12 machine.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(
  meson ninja-build g++ clang libclang-rt-14-dev clang-format pkg-config python3 cmake
  libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsnappy-dev nlohmann-json3-dev doctest-dev
  librdkafka-dev kcat
)

log() { printf '\n==> %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# setup DIR [meson options...]: configure once, then reuse.
setup() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@"
  fi
}

jobs() { nproc 2>/dev/null || echo 2; }

cmd_run() {
  install_packages
  setup build-release --buildtype=release -Dtests=false
  ninja -C build-release -j "$(jobs)"
  # The main job: start the bundled broker, run kafkit's producer examples against it and
  # read their records back with kafkit's consumer example and kcat, produce and consume the
  # demo messages, list the metadata.
  local data pid bootstrap out want got
  data=$(mktemp -d /tmp/kafkit-run-XXXXXX)
  log "kafkit-broker --listen 127.0.0.1:0 --data-dir $data"
  ./build-release/tools/broker/kafkit-broker --listen 127.0.0.1:0 --data-dir "$data/logs" \
    >"$data/stdout" &
  pid=$!
  trap 'kill -9 '"$pid"' 2>/dev/null; rm -rf '"$data" EXIT
  for _ in $(seq 100); do
    grep -q ready "$data/stdout" && break
    sleep 0.1
  done
  bootstrap=$(sed -n 's/.*bootstrap.servers=//p' "$data/stdout")
  [ -n "$bootstrap" ] || { echo "kafkit-broker did not start" >&2; exit 1; }

  log "kafkit-example-producer $bootstrap test-topic (examples/producer.cpp)"
  out=$(./build-release/examples/kafkit-example-producer "$bootstrap" test-topic) ||
    { echo "$out"; echo "kafkit-example-producer failed" >&2; exit 1; }
  echo "$out"
  local re='^Record written to offset ([0-9]+) timestamp ([0-9]+) partition ([0-9]+)$'
  [[ "$out" =~ $re ]] || { echo "unexpected output from the example" >&2; exit 1; }
  log "kafkit-example-consumer --max 1 $bootstrap test-topic example-group" \
    "(examples/consumer.cpp: joins the group, prints the record, commits)"
  got=$(timeout 60 ./build-release/examples/kafkit-example-consumer --max 1 "$bootstrap" \
    test-topic example-group) || { echo "$got"; echo "kafkit-example-consumer failed" >&2; exit 1; }
  echo "$got"
  [ "$got" = "partition ${BASH_REMATCH[3]} offset ${BASH_REMATCH[1]} key (null) value hello kafkit" ] ||
    { echo "expected the example's record back" >&2; exit 1; }
  log "one more record with kcat; the example consumer, same group, starts after its commit"
  echo "second record" | kcat -b "$bootstrap" -P -t test-topic -p "${BASH_REMATCH[3]}"
  got=$(timeout 60 ./build-release/examples/kafkit-example-consumer --max 1 "$bootstrap" \
    test-topic example-group) || { echo "$got"; echo "kafkit-example-consumer failed" >&2; exit 1; }
  echo "$got"
  [ "$got" = "partition ${BASH_REMATCH[3]} offset $((BASH_REMATCH[1] + 1)) key (null) value second record" ] ||
    { echo "expected only the record after the committed offset" >&2; exit 1; }

  log "kafkit-example-typed-producer $bootstrap events (examples/typed_producer.cpp)"
  ./build-release/examples/kafkit-example-typed-producer "$bootstrap" events
  log "read them back with kcat"
  got=$(kcat -b "$bootstrap" -C -t events -o beginning -e -q -f 'key %k value %s headers %h\n')
  echo "$got"
  [ "$(grep -c '^key user-[12] value {.*} headers content-type=application/json' <<<"$got")" = 3 ] ||
    { echo "expected the 3 JSON events in the log" >&2; exit 1; }

  local kafkit=./build-release/tools/kafkit/kafkit
  log "kafkit topic create hello-kafkit --partitions 3 (tools/kafkit, the kcat-compatible CLI)"
  "$kafkit" topic create hello-kafkit --partitions 3 -b "$bootstrap"
  log "produce 5 keyed messages to hello-kafkit with kafkit -P -K: -z lz4"
  want=$(printf 'user-%d:hello kafkit #%d\n' 1 1 2 2 3 3 4 4 5 5)
  "$kafkit" -b "$bootstrap" -P -t hello-kafkit -K: -z lz4 <<<"$want"
  log "consume them back with kafkit -C -e, and with kcat (same arguments, same output)"
  local format='partition %p offset %o key %k value "%s"\n'
  got=$("$kafkit" -q -b "$bootstrap" -C -t hello-kafkit -o beginning -e -f "$format" | sort)
  echo "$got"
  [ "$(sed 's/.* key \(.*\) value "\(.*\)"$/\1:\2/' <<<"$got" | sort)" = "$(sort <<<"$want")" ] ||
    { echo "consumed messages differ from the produced ones" >&2; exit 1; }
  [ "$(kcat -q -b "$bootstrap" -C -t hello-kafkit -o beginning -e -f "$format" | sort)" = "$got" ] ||
    { echo "kcat read something else than kafkit" >&2; exit 1; }
  log "kafkit topic describe hello-kafkit; kafkit group lag example-group; kafkit -L"
  "$kafkit" topic describe hello-kafkit -b "$bootstrap"
  "$kafkit" group lag example-group -b "$bootstrap"
  "$kafkit" -b "$bootstrap" -L -t hello-kafkit
  kill -TERM "$pid"
  wait "$pid"
  trap - EXIT
  rm -rf "$data"
  # Decode a real conversation between librdkafka 2.0.2 and its mock broker.
  local sample=tests/golden/data/rdkafka-produce-zstd-01
  log "kafkit-dump --reencode $sample.req.bin $sample.resp.bin"
  ./build-release/tools/dump/kafkit-dump --reencode "$sample.req.bin" "$sample.resp.bin"
  log "main job done: broker started; kafkit's producer examples wrote 4 records, kafkit's" \
    "consumer example and kcat read them back; 5 messages produced and consumed with the" \
    "kafkit CLI and checked with kcat; broker stopped cleanly"
}

PASSED=0
FAILED=0

# suite NAME COMMAND...: runs one suite and counts it.
suite() {
  local name=$1
  shift
  log "$name"
  if "$@"; then
    PASSED=$((PASSED + 1))
  else
    FAILED=$((FAILED + 1))
    echo "FAILED: $name" >&2
  fi
}

check_format() {
  git ls-files '*.cpp' '*.hpp' '*.c' '*.h' | xargs clang-format --dry-run --Werror
}

# fuzz_bounded TARGET CORPUS RUNS: a deterministic, bounded libFuzzer run on a scratch copy
# of the corpus (libFuzzer adds what it finds to its corpus directory).
fuzz_bounded() {
  local target=$1 corpus=$2 runs=$3 work rc=0
  work=$(mktemp -d)
  cp -r "$corpus" "$work/corpus"
  (cd "$work" && "$OLDPWD/build-san/tests/fuzz/$target" -seed=1 -runs="$runs" \
    -rss_limit_mb=2048 -print_final_stats=1 corpus 2>&1 | tail -n 4) || rc=$?
  rm -rf "$work"
  return $rc
}

cmd_test() {
  install_packages
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

  setup build
  suite "build (g++, -Werror)" ninja -C build -j "$(jobs)"
  suite "tests (g++)" meson test -C build --print-errorlogs

  CXX=clang++ CC=clang setup build-san -Db_sanitize=address,undefined -Db_lundef=false -Dfuzzers=true
  suite "build (clang, ASan+UBSan, -Werror)" ninja -C build-san -j "$(jobs)"
  suite "tests (clang, ASan+UBSan)" meson test -C build-san --print-errorlogs
  suite "libFuzzer decode-any (ASan+UBSan)" \
    fuzz_bounded decode-any-fuzzer tests/fuzz/corpus/decode_any 150000
  for codec in gzip snappy lz4 zstd; do
    suite "libFuzzer $codec decompressor (ASan+UBSan)" \
      fuzz_bounded "codec/decompress-$codec-fuzzer" tests/fuzz/codec/corpus/decompress 150000
  done
  suite "libFuzzer record batches (ASan+UBSan)" \
    fuzz_bounded records/record-batch-fuzzer tests/fuzz/records/corpus 500000
  suite "libFuzzer SASL parsers and gate (ASan+UBSan)" \
    fuzz_bounded sasl/sasl-fuzzer tests/fuzz/sasl/corpus 100000
  suite "libFuzzer consumer protocol and assignors (ASan+UBSan)" \
    fuzz_bounded group/consumer-protocol-fuzzer tests/fuzz/group/corpus 100000
  suite "libFuzzer client response handling (ASan+UBSan)" \
    fuzz_bounded client/client-responses-fuzzer tests/fuzz/client/corpus 300000

  # The release build that `./dev.sh run` makes: g++ -O3 warns about things -O2 does not.
  setup build-release --buildtype=release -Dtests=false
  suite "build (g++ release, as ./dev.sh run builds)" ninja -C build-release -j "$(jobs)"

  if git rev-parse --git-dir >/dev/null 2>&1; then
    suite "clang-format" check_format
  fi

  echo
  echo "suites: $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

case "${1:-}" in
  run) cmd_run ;;
  test) cmd_test ;;
  *)
    echo "usage: ./dev.sh run|test" >&2
    exit 2
    ;;
esac
