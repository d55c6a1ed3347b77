#pragma once
// DeliveryQueue: finished batches (and client-level errors) travelling from the I/O thread
// to the application thread, where poll()/flush() turn them into delivery reports.
//
// Threading: push from the I/O thread, pop from any application thread; thread-safe.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "client/producer/producer_batch.hpp"
#include "common/result.hpp"

namespace kafkit::client {

struct CompletedBatch {
  BatchPtr batch;
  std::int64_t base_offset = -1;
  /// LogAppendTime topics: the broker's time, reported as every record's timestamp.
  std::int64_t log_append_time = -1;
  std::optional<Error> error;
  Persistence persistence = Persistence::not_persisted;
};

class DeliveryQueue {
 public:
  void push(CompletedBatch done);
  void push_error(Error error);
  /// Waits up to `timeout` for something to be queued (or wake()), taking nothing.
  void wait(std::chrono::milliseconds timeout);
  /// Moves out everything queued, waiting up to `timeout` for something to arrive.
  void take(std::chrono::milliseconds timeout, std::vector<CompletedBatch>& batches,
            std::vector<Error>& errors);
  /// Wakes a thread blocked in take() (close, flush deadline).
  void wake();

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<CompletedBatch> batches_;  /// guarded by mutex_
  std::vector<Error> errors_;            /// guarded by mutex_
  bool woken_ = false;                   /// guarded by mutex_
};

}  // namespace kafkit::client
