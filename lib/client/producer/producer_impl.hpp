#pragma once
// ProducerImpl: the parts of a Producer and the thread that runs its I/O half.
//
// Application threads append to the accumulator and serve delivery reports; the I/O thread
// runs the event loop with the Sender. They meet in the accumulator (records in), the
// delivery queue (reports out) and EventLoop::post (wake-ups).
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "client/producer/delivery_queue.hpp"
#include "client/producer/producer_config.hpp"
#include "client/producer/record_accumulator.hpp"
#include "client/producer/sender.hpp"
#include "kafkit/producer.hpp"
#include "net/event_loop.hpp"

namespace kafkit::client {

class ProducerImpl {
 public:
  ProducerImpl(ProducerConfig config, ProducerCallbacks callbacks);
  ~ProducerImpl();

  Result<void> send(const ProducerRecord& record, DeliveryCallback* callback);
  BatchSendResult send_batch(std::span<const ProducerRecord> records);
  int poll(std::chrono::milliseconds timeout);
  Result<void> flush(std::chrono::milliseconds timeout);
  Result<void> close(std::chrono::milliseconds timeout);
  std::size_t pending() const { return accumulator_.buffered_records(); }

 private:
  /// Clock readings shared by consecutive records of one send_batch(): reading both clocks
  /// for every record was a fifth of a tight send loop (kafkit -P).
  struct Clocks {
    SteadyClock::time_point steady;
    std::int64_t wall_ms = 0;
    void read();
  };
  /// `clocks`: readings to use instead of reading the clocks (refreshed after a wait);
  /// null reads them.
  Result<void> append(const ProducerRecord& record, DeliveryCallback* callback,
                      SteadyClock::time_point deadline, Clocks* clocks = nullptr);
  /// Runs `f(*sender_)` unless the producer is closed (false then). close() waits for
  /// callers inside before it shuts the sender down, so they never see it destroyed and
  /// every record they append is failed by shut_down.
  template <class F>
  bool with_sender(F&& f);
  int serve(std::chrono::milliseconds timeout);
  /// True on the thread serving reports, i.e. inside a delivery or error callback.
  bool serving_here() const { return serving_thread_.load() == std::this_thread::get_id(); }

  ProducerConfig config_;
  ProducerCallbacks callbacks_;
  RecordAccumulator accumulator_;
  DeliveryQueue deliveries_;
  std::unique_ptr<net::EventLoop> loop_;
  std::unique_ptr<Sender> sender_;  /// @thread io (created and destroyed there too)
  std::thread io_thread_;
  std::mutex serve_mutex_;  // one thread serves reports at a time: per-partition order
  /// A flush() in progress: records numbered below `before` whose reports it still waits
  /// for.
  struct FlushWait {
    std::uint64_t before = 0;
    std::size_t remaining = 0;
  };
  std::vector<FlushWait*> flush_waits_;            /// guarded by serve_mutex_
  std::atomic<std::thread::id> serving_thread_{};  // holder of serve_mutex_, if any
  std::atomic<bool> closed_{false};
  std::atomic<int> sender_users_{0};  // threads inside with_sender()
  std::mutex close_mutex_;
};

}  // namespace kafkit::client
