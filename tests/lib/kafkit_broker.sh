# Sourced by the shell tests: runs kafkit-broker ($broker_exe) as a real process for them.
# The caller sets broker_exe and work (a temporary directory it removes) and kills
# $broker_pid in its own EXIT trap.

fail() { echo "FAIL: $*" >&2; exit 1; }

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
