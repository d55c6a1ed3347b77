#include "client/producer/record_accumulator.hpp"

#include <array>
#include <memory>
#include <type_traits>

#include "protocol/messages/error_codes.hpp"

namespace kafkit::client {
namespace {

protocol::ByteView bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

std::optional<protocol::ByteView> bytes_of(const std::optional<std::string_view>& s) {
  if (!s) return std::nullopt;
  return bytes_of(*s);
}

int code(protocol::ErrorCode c) {
  return static_cast<int>(c);
}

}  // namespace

RecordAccumulator::RecordAccumulator(AccumulatorConfig config,
                                     std::unique_ptr<Partitioner> partitioner)
    : config_(std::move(config)), partitioner_(std::move(partitioner)) {}

RecordAccumulator::TopicState* RecordAccumulator::find_topic(std::string_view topic) {
  if (last_topic_ != nullptr && last_topic_name_ == topic) return last_topic_;
  auto it = topics_.find(topic);
  if (it == topics_.end()) return nullptr;
  last_topic_ = &it->second;
  last_topic_name_ = it->first;  // map keys are stable
  return last_topic_;
}

void RecordAccumulator::seal(TopicState& t, std::string_view topic, std::int32_t partition) {
  PartitionSlot& slot = t.partitions[static_cast<size_t>(partition)];
  if (!slot.open) return;
  slot.last_batch_bytes = slot.open->builder.size_in_bytes();
  slot.sealed.push_back(std::move(slot.open));
  --open_count_;
  // KIP-480: the sticky partitioner moves on once its batch is closed.
  partitioner_->on_new_batch(topic, partition);
}

RecordAccumulator::AppendResult RecordAccumulator::append(const ProducerRecord& record,
                                                          DeliveryCallback* callback,
                                                          std::int64_t now_ms,
                                                          SteadyClock::time_point now) {
  AppendResult result;
  auto fail = [&](int error_code, std::string message) {
    result.status = Status::failed;
    result.error = Error{error_code, std::move(message)};
    return result;
  };
  // Headers convert to the record layer's view type without allocating for the usual few,
  // in storage left uninitialized until used: zeroing an array of them for every record
  // (headers or not) was a visible part of a tight send loop.
  constexpr std::size_t kSmallHeaders = 8;
  static_assert(std::is_trivially_destructible_v<protocol::RecordHeader>);
  alignas(protocol::RecordHeader) std::byte small[kSmallHeaders * sizeof(protocol::RecordHeader)];
  std::vector<protocol::RecordHeader> large;
  std::span<const protocol::RecordHeader> headers;
  if (!record.headers.empty()) {
    auto* dst = reinterpret_cast<protocol::RecordHeader*>(small);
    if (record.headers.size() > kSmallHeaders) {
      large.resize(record.headers.size());
      dst = large.data();
    }
    for (size_t i = 0; i < record.headers.size(); ++i)
      std::construct_at(dst + i, protocol::RecordHeader{record.headers[i].key,
                                                        bytes_of(record.headers[i].value)});
    headers = {dst, record.headers.size()};
  }
  std::int64_t timestamp = record.timestamp.value_or(now_ms);
  auto key = bytes_of(record.key);
  auto value = bytes_of(record.value);
  // Upper bound of the record's size inside a batch (deltas at their widest).
  size_t size =
      protocol::RecordBatchBuilder::record_size(INT32_MAX, INT64_MAX / 2, key, value, headers);
  if (size + protocol::batch_layout::header_size > config_.max_request_size)
    return fail(code(protocol::ErrorCode::MessageTooLarge),
                "record of " + std::to_string(size) + " bytes for topic " +
                    std::string(record.topic) + " exceeds message.max.bytes (" +
                    std::to_string(config_.max_request_size) + ")");

  std::lock_guard lock(mutex_);
  TopicState* t = find_topic(record.topic);
  // unknown_topic counts the caller as waiting (the I/O thread then asks for metadata
  // again soon) until its wait_for_topic() returns; counting here leaves no gap in which an
  // answer could arrive unnoticed.
  if (t == nullptr) {
    auto [it, inserted] = topics_.emplace(std::string(record.topic), TopicState{});
    ++it->second.waiters;
    result.status = Status::unknown_topic;
    return result;
  }
  if (t->error) return fail(t->error->code, t->error->message);
  if (t->partition_count == 0) {
    ++t->waiters;
    result.status = Status::unknown_topic;
    return result;
  }
  if (records_.load(std::memory_order_relaxed) >= config_.max_messages ||
      bytes_.load(std::memory_order_relaxed) + size > config_.max_bytes) {
    result.status = Status::buffer_full;
    return result;
  }
  std::int32_t partition;
  if (record.partition) {
    partition = *record.partition;
  } else {
    PartitionContext ctx{record.topic, key, t->partition_count, t->available, now};
    partition = partitioner_->partition(ctx);
  }
  if (partition < 0 || partition >= t->partition_count)
    return fail(code(protocol::ErrorCode::UnknownTopicOrPartition),
                "partition " + std::to_string(partition) + " of topic " +
                    std::string(record.topic) + " does not exist (it has " +
                    std::to_string(t->partition_count) + ")");
  std::string_view topic_name = last_topic_name_;  // find_topic() left it on this topic
  PartitionSlot& slot = t->partitions[static_cast<size_t>(partition)];
  if (slot.open && (slot.open->builder.record_count() >= config_.batch_num_messages ||
                    slot.open->builder.size_in_bytes() + size > config_.batch_size)) {
    seal(*t, topic_name, partition);
    result.wake = true;
  }
  if (!slot.open) {
    slot.open =
        std::make_unique<ProducerBatch>(std::string(topic_name), partition, config_.batch_options);
    slot.open->created = now;
    // As large as this partition's last batch (a busy partition fills big batches: growing
    // each from 16 KiB cost copies), never more than batch.size.
    slot.open->builder.reserve(
        std::min<size_t>(config_.batch_size, std::max<size_t>(16384, slot.last_batch_bytes)) +
        protocol::batch_layout::header_size);
    ++open_count_;
    result.wake = true;
  }
  ProducerBatch& batch = *slot.open;
  size_t before = batch.builder.size_in_bytes();
  auto appended = batch.builder.append(key, value, timestamp, headers);
  if (!appended) return fail(appended.error().code, appended.error().message);
  size_t added = batch.builder.size_in_bytes() - before;
  batch.accounted_bytes += added;
  bytes_.fetch_add(added, std::memory_order_relaxed);
  records_.fetch_add(1, std::memory_order_relaxed);
  if (callback != nullptr && *callback)
    batch.callbacks.emplace_back(static_cast<std::uint32_t>(batch.records.size()),
                                 std::move(*callback));
  batch.records.push_back(RecordMeta{record.opaque, timestamp, next_number_++});
  bool full = batch.builder.record_count() >= config_.batch_num_messages ||
              batch.builder.size_in_bytes() >= config_.batch_size;
  partitioner_->on_append(topic_name, partition, added, full);
  if (full) {
    seal(*t, topic_name, partition);
    result.wake = true;
  }
  return result;
}

std::optional<SteadyClock::time_point> RecordAccumulator::take_ready(SteadyClock::time_point now,
                                                                     bool flush,
                                                                     std::vector<BatchPtr>& out) {
  std::optional<SteadyClock::time_point> next;
  std::lock_guard lock(mutex_);
  for (auto& [name, t] : topics_) {
    for (size_t p = 0; p < t.partitions.size(); ++p) {
      PartitionSlot& slot = t.partitions[p];
      if (slot.open) {
        auto due = slot.open->created + config_.linger;
        if (flush || due <= now) {
          seal(t, name, static_cast<std::int32_t>(p));
        } else if (!next || due < *next) {
          next = due;
        }
      }
      for (auto& b : slot.sealed) out.push_back(std::move(b));
      slot.sealed.clear();
    }
  }
  return next;
}

void RecordAccumulator::set_topic(const std::string& topic, std::int32_t partition_count,
                                  std::vector<std::int32_t> available) {
  {
    std::lock_guard lock(mutex_);
    TopicState& t = topics_[topic];
    t.error.reset();
    // Partitions are only ever added in Kafka; a smaller count is a stale answer.
    if (partition_count > t.partition_count) {
      t.partition_count = partition_count;
      t.partitions.resize(static_cast<size_t>(partition_count));
    }
    t.available = std::move(available);
  }
  topic_cv_.notify_all();
}

void RecordAccumulator::set_topic_error(const std::string& topic, Error error) {
  {
    std::lock_guard lock(mutex_);
    TopicState& t = topics_[topic];
    if (t.partition_count == 0) t.error = std::move(error);
  }
  topic_cv_.notify_all();
}

void RecordAccumulator::report_queue_sizes(const std::string& topic,
                                           std::span<const std::uint32_t> queued) {
  std::lock_guard lock(mutex_);
  partitioner_->on_queue_sizes(topic, queued);
}

bool RecordAccumulator::has_waiters(std::string_view topic) const {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(topic);
  return it != topics_.end() && it->second.waiters > 0;
}

std::vector<std::string> RecordAccumulator::topics() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, t] : topics_) out.push_back(name);
  return out;
}

Result<void> RecordAccumulator::wait_for_topic(std::string_view topic,
                                               SteadyClock::time_point deadline) {
  std::unique_lock lock(mutex_);
  // append() counted this caller as a waiter when it answered unknown_topic.
  struct Waiting {
    TopicState* t;
    ~Waiting() {
      if (t != nullptr && t->waiters > 0) --t->waiters;
    }
  };
  auto found = topics_.find(topic);
  Waiting waiting{found == topics_.end() ? nullptr : &found->second};
  for (;;) {
    auto it = topics_.find(topic);
    if (it != topics_.end()) {
      if (it->second.partition_count > 0) return {};
      if (it->second.error) return *it->second.error;
    }
    if (topic_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      it = topics_.find(topic);
      if (it != topics_.end() && it->second.partition_count > 0) return {};
      return Error{code(protocol::ErrorCode::UnknownTopicOrPartition),
                   "topic " + std::string(topic) + " not present in metadata within max.block.ms"};
    }
  }
}

void RecordAccumulator::release_bytes(std::size_t bytes) {
  bytes_.fetch_sub(bytes, std::memory_order_relaxed);
}

void RecordAccumulator::release_records(std::size_t records) {
  records_.fetch_sub(records, std::memory_order_relaxed);
}

std::pair<std::uint64_t, std::size_t> RecordAccumulator::mark() const {
  std::lock_guard lock(mutex_);
  return {next_number_, records_.load(std::memory_order_relaxed)};
}

bool RecordAccumulator::has_open_batches() const {
  std::lock_guard lock(mutex_);
  return open_count_ != 0;
}

}  // namespace kafkit::client
