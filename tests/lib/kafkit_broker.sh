# Sourced by the shell tests: runs kafkit-broker ($broker_exe) as a real process for them.
# The caller sets broker_exe, then calls setup_test.

fail() { echo "FAIL: $*" >&2; exit 1; }

# setup_test NAME [PID_VARIABLE...]: a fresh temporary directory $work; on exit (pass or
# fail) the broker and the processes whose pids the named variables hold are killed and
# $work is removed.
setup_test() {
  work=$(mktemp -d "/tmp/kafkit-$1-XXXXXX")
  shift
  broker_pid=
  extra_pid_vars=("$@")
  local v
  for v in "${extra_pid_vars[@]}"; do printf -v "$v" '%s' ''; done
  trap cleanup_test EXIT
}

cleanup_test() {
  local v pid
  for v in "${extra_pid_vars[@]}" broker_pid; do
    pid=${!v:-}
    [ -n "$pid" ] || continue
    kill -9 "$pid" 2>/dev/null || true
    { wait "$pid"; } 2>/dev/null || true
  done
  rm -rf "$work"
}

# stop_broker: SIGTERM, and the broker must exit cleanly.
stop_broker() {
  kill -TERM "$broker_pid"
  wait "$broker_pid" || fail "broker exit status $?"
}

# start_broker [kafkit-broker options...]: starts the broker on a free port with its data in
# $work/data; sets broker_pid and bootstrap (host:port from the broker's ready line).
start_broker() {
  # A second start reuses the file: the old "ready" line must not be read before the new
  # broker's redirection truncates it.
  rm -f "$work/stdout"
  "$broker_exe" --listen 127.0.0.1:0 --data-dir "$work/data" "$@" \
    >"$work/stdout" 2>"$work/stderr" &
  broker_pid=$!
  for _ in $(seq 100); do
    grep -q 'ready' "$work/stdout" 2>/dev/null && break
    sleep 0.1
  done
  bootstrap=$(sed -n 's/.*bootstrap.servers=//p' "$work/stdout")
  [ -n "$bootstrap" ] || fail "broker did not start: $(cat "$work/stderr")"
}

# k ARGS...: kcat against the broker, never waiting more than a minute.
k() { timeout -s KILL 60 kcat -b "$bootstrap" "$@"; }

# listener_servers INDEX: host:port[,...] of every node on listener INDEX (0-based, in the
# order of --listen), from the broker's "listener" lines.
listener_servers() {
  sed -n "s/^kafkit-broker listener $1 [A-Z_]* servers=//p" "$work/stdout"
}
