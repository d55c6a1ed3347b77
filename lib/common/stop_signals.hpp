#pragma once
// For programs that stop on SIGINT/SIGTERM by waiting for them (sigwait, signalfd) rather
// than by a handler: the signals must be blocked before any thread starts, or the kernel
// may deliver them to a thread that ignores them. SIGPIPE is ignored too, so a closed
// socket or pipe is an error return instead of a silent death.
#include <pthread.h>
#include <signal.h>

namespace kafkit {

/// Blocks SIGINT and SIGTERM in the calling thread (and so in threads it starts later),
/// ignores SIGPIPE, and returns the blocked set to wait on.
inline sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return signals;
}

}  // namespace kafkit
