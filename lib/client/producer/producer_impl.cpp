#include "client/producer/producer_impl.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include "client/partitioner/partitioner_factory.hpp"
#include "common/wall_clock.hpp"

namespace kafkit::client {
namespace {

std::unique_ptr<Partitioner> build_partitioner(const ProducerConfig& config,
                                               const ProducerCallbacks& callbacks) {
  PartitionerConfig pc = config.partitioner;
  if (callbacks.partitioner) {
    pc.user = [user = callbacks.partitioner](const PartitionContext& ctx) {
      std::optional<std::string_view> key;
      if (ctx.key)
        key = std::string_view(reinterpret_cast<const char*>(ctx.key->data()), ctx.key->size());
      return user(ctx.topic, key, ctx.partition_count);
    };
  }
  auto p = make_partitioner(pc);
  if (!p) throw std::invalid_argument(p.error().message);
  return std::move(p.value());
}

AccumulatorConfig accumulator_config(const ProducerConfig& c) {
  AccumulatorConfig a;
  a.batch_size = c.batch_size;
  a.batch_num_messages = c.batch_num_messages;
  a.linger = c.linger;
  a.max_messages = c.max_messages;
  a.max_bytes = c.max_bytes;
  a.max_request_size = c.max_request_size;
  a.batch_options.codec = c.codec;
  a.batch_options.compress.level = c.compression_level < 0 ? 0 : c.compression_level;
  return a;
}

}  // namespace

ProducerImpl::ProducerImpl(ProducerConfig config, ProducerCallbacks callbacks)
    : config_(std::move(config)),
      callbacks_(std::move(callbacks)),
      accumulator_(accumulator_config(config_), build_partitioner(config_, callbacks_)) {
  auto loop = net::EventLoop::create();
  if (!loop)
    throw std::runtime_error("cannot create the producer's event loop: " + loop.error().message);
  loop_ = std::move(loop.value());
  // Built before the thread starts: the loop may be used freely while nobody runs it.
  sender_ = std::make_unique<Sender>(*loop_, config_, accumulator_, deliveries_);
  io_thread_ = std::thread([this] { loop_->run(); });
}

ProducerImpl::~ProducerImpl() {
  (void)close(config_.delivery_timeout.count() > 0 ? config_.delivery_timeout
                                                   : std::chrono::milliseconds(120000));
}

template <class F>
bool ProducerImpl::with_sender(F&& f) {
  // Dekker-style with close(): both sides write their flag, then read the other's (seq_cst),
  // so either this call sees closed_ or close() sees it inside and waits.
  sender_users_.fetch_add(1);
  bool open = !closed_.load();
  if (open) f(*sender_);
  sender_users_.fetch_sub(1);
  return open;
}

void ProducerImpl::Clocks::read() {
  steady = SteadyClock::now();
  wall_ms = wall_clock_ms();
}

Result<void> ProducerImpl::append(const ProducerRecord& record, DeliveryCallback* callback,
                                  SteadyClock::time_point deadline, Clocks* clocks) {
  bool asked_for_topic = false;
  Clocks own;
  if (clocks == nullptr) {
    own.read();
    clocks = &own;
  }
  for (bool first = true;; first = false) {
    if (!first) clocks->read();  // after a wait: the shared readings are stale too
    auto now = clocks->steady;
    RecordAccumulator::AppendResult r;
    // The append and the wake-up happen before close() may shut the sender down.
    bool open = with_sender([&](Sender& sender) {
      r = accumulator_.append(record, callback, clocks->wall_ms, now);
      if (r.status == RecordAccumulator::Status::appended && r.wake) sender.wake();
      if (r.status == RecordAccumulator::Status::unknown_topic && !asked_for_topic)
        sender.add_topic(std::string(record.topic));
      if (r.status == RecordAccumulator::Status::buffer_full && now < deadline) sender.wake();
    });
    if (!open) return Error{errc::closed, "the producer is closed"};
    switch (r.status) {
      case RecordAccumulator::Status::appended:
        return {};
      case RecordAccumulator::Status::failed:
        return *r.error;
      case RecordAccumulator::Status::unknown_topic: {
        asked_for_topic = true;
        auto waited = accumulator_.wait_for_topic(record.topic, deadline);
        if (!waited) return waited.error();
        break;
      }
      case RecordAccumulator::Status::buffer_full: {
        if (now >= deadline)
          return Error{errc::queue_full,
                       "the producer's buffer is full (queue.buffering.max.messages=" +
                           std::to_string(config_.max_messages) + ", buffer bytes " +
                           std::to_string(config_.max_bytes) +
                           ") after max.block.ms=" + std::to_string(config_.max_block.count()) +
                           "; call poll() to serve delivery reports"};
        // Space comes back as reports are served, so serve them while waiting.
        serve(std::min(std::chrono::ceil<std::chrono::milliseconds>(deadline - now),
                       std::chrono::milliseconds(10)));
        break;
      }
    }
  }
}

Result<void> ProducerImpl::send(const ProducerRecord& record, DeliveryCallback* callback) {
  return append(record, callback, SteadyClock::now() + config_.max_block);
}

BatchSendResult ProducerImpl::send_batch(std::span<const ProducerRecord> records) {
  BatchSendResult out;
  auto deadline = SteadyClock::now() + config_.max_block;
  // Records without a timestamp get the time of the batch, read again every few records
  // so it stays within microseconds of each record's own send.
  constexpr std::size_t kRecordsPerClockRead = 64;
  Clocks clocks;
  for (const ProducerRecord& r : records) {
    if (out.accepted % kRecordsPerClockRead == 0) clocks.read();
    auto sent = append(r, nullptr, deadline, &clocks);
    if (!sent) {
      out.error = sent.error();
      return out;
    }
    ++out.accepted;
  }
  return out;
}

int ProducerImpl::serve(std::chrono::milliseconds timeout) {
  // Sleep before taking the serving lock: a poll(timeout) waiting for reports must not
  // hold up a send() (max.block.ms), flush() or close() deadline on another thread.
  if (serving_here()) {
    // Called from a delivery callback (a send() waiting for buffer space): the outer call
    // is in the middle of serving, so only wait.
    if (timeout.count() > 0) std::this_thread::sleep_for(timeout);
    return 0;
  }
  deliveries_.wait(timeout);
  std::lock_guard serving(serve_mutex_);
  struct Owner {
    std::atomic<std::thread::id>& id;
    explicit Owner(std::atomic<std::thread::id>& id) : id(id) {
      id.store(std::this_thread::get_id());
    }
    ~Owner() { id.store(std::thread::id()); }
  } owner(serving_thread_);
  std::vector<CompletedBatch> batches;
  std::vector<Error> errors;
  deliveries_.take(std::chrono::milliseconds(0), batches, errors);
  for (const Error& e : errors)
    if (callbacks_.on_error) callbacks_.on_error(e);
  int served = 0;
  for (CompletedBatch& done : batches) {
    ProducerBatch& b = *done.batch;
    DeliveryReport report;
    report.topic = b.topic;
    report.partition = b.partition;
    report.error = done.error;
    report.persistence = done.persistence;
    auto cb = b.callbacks.begin();
    for (std::size_t i = 0; i < b.records.size(); ++i) {
      report.offset = done.base_offset >= 0 ? done.base_offset + static_cast<std::int64_t>(i) : -1;
      report.timestamp = done.log_append_time >= 0 ? done.log_append_time : b.records[i].timestamp;
      report.opaque = b.records[i].opaque;
      for (FlushWait* w : flush_waits_)
        if (b.records[i].number < w->before) --w->remaining;
      if (cb != b.callbacks.end() && cb->first == i) {
        cb->second(report);
        ++cb;
      } else if (callbacks_.on_delivery) {
        callbacks_.on_delivery(report);
      }
      ++served;
    }
    accumulator_.release_records(b.records.size());
  }
  return served;
}

int ProducerImpl::poll(std::chrono::milliseconds timeout) {
  return serve(timeout);
}

Result<void> ProducerImpl::flush(std::chrono::milliseconds timeout) {
  if (serving_here())
    return Error{errc::invalid_argument,
                 "flush() called from a delivery callback: it would wait for reports only its "
                 "caller can serve"};
  auto deadline = SteadyClock::now() + timeout;
  if (!with_sender([](Sender& sender) { sender.set_flushing(true); })) {
    serve(std::chrono::milliseconds(0));  // closed: everything has its report by now
    return {};
  }
  // Only the records sent before this call count (as in the Java client): others may keep
  // sending meanwhile. Reports are counted as served, under the serving lock.
  FlushWait wait;
  {
    std::lock_guard serving(serve_mutex_);
    std::tie(wait.before, wait.remaining) = accumulator_.mark();
    flush_waits_.push_back(&wait);
  }
  auto remaining = [&] {
    std::lock_guard serving(serve_mutex_);
    return wait.remaining;
  };
  Result<void> result;
  for (;;) {
    serve(std::chrono::milliseconds(0));
    if (remaining() == 0) break;
    auto now = SteadyClock::now();
    if (now >= deadline) {
      result = Error{errc::timed_out, "flush: " + std::to_string(remaining()) +
                                          " record(s) still without a delivery report after " +
                                          std::to_string(timeout.count()) + " ms"};
      break;
    }
    serve(std::min(std::chrono::ceil<std::chrono::milliseconds>(deadline - now),
                   std::chrono::milliseconds(100)));
  }
  {
    std::lock_guard serving(serve_mutex_);
    flush_waits_.erase(std::find(flush_waits_.begin(), flush_waits_.end(), &wait));
  }
  (void)with_sender([](Sender& sender) { sender.set_flushing(false); });
  return result;
}

Result<void> ProducerImpl::close(std::chrono::milliseconds timeout) {
  if (serving_here())
    return Error{errc::invalid_argument,
                 "close() called from a delivery callback: it would wait for reports only its "
                 "caller can serve"};
  std::lock_guard lock(close_mutex_);
  if (!io_thread_.joinable()) return {};
  Result<void> flushed = flush(timeout);
  closed_.store(true);
  // Sends that passed their closed_ check before it may still append and wake the sender:
  // let them finish, so shut_down below fails what they appended.
  while (sender_users_.load() != 0) std::this_thread::yield();
  Error why{errc::closed, "the producer was closed before the record was delivered"};
  loop_->post([this, why] {
    sender_->shut_down(why);
    loop_->stop();
  });
  io_thread_.join();
  sender_.reset();  // no thread runs the loop now
  serve(std::chrono::milliseconds(0));
  return flushed;
}

}  // namespace kafkit::client
