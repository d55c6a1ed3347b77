#pragma once
// TypedConsumer: a Consumer that deserializes keys and values, mirroring TypedProducer.
//
//   kafkit::TypedConsumer<std::string, std::int64_t> counts({{"bootstrap.servers", "b:9092"}});
//   counts.assign({{"page-views", 0, kafkit::offsets::beginning}});
//   auto got = counts.poll(std::chrono::milliseconds(500));
//   for (const auto& r : got.records) total[r.key] += r.value;
//
// Deserializers are `kafkit::Deserializer<K>` / `<V>` unless given (serializers.hpp: a type
// with `deserialize(topic, data)`, or a callable). A null key or value deserializes only
// into a std::optional (nullopt); into any other type it is an error. A record whose key or
// value does not deserialize is not returned: poll() reports it as a ConsumerEvent::error
// naming the topic, partition and offset (and on_error runs), and its position is passed,
// as a record the application skipped. Deserializing never throws.
//
// K or V = std::string_view are views into the fetched batch: valid while the record
// (which keeps `storage`) lives.
//
// Threads, blocking and callbacks are the Consumer's (consumer.hpp).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafkit/config.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/record.hpp"
#include "kafkit/result.hpp"
#include "kafkit/serializers.hpp"

namespace kafkit {

template <class K, class V>
struct TypedConsumerRecord {
  std::string_view topic;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp = -1;
  TimestampType timestamp_type = TimestampType::create_time;
  K key{};
  V value{};
  std::span<const Header> headers;
  std::optional<std::int32_t> leader_epoch;
  /// Keeps topic, headers (and string_view keys/values) valid.
  std::shared_ptr<const void> storage;
};

template <class K, class V>
struct TypedPollResult {
  std::vector<ConsumerEvent> events;
  std::vector<TypedConsumerRecord<K, V>> records;
};

template <class K, class V, class KeyDes = Deserializer<K>, class ValueDes = Deserializer<V>>
class TypedConsumer {
 public:
  using key_type = K;
  using value_type = V;
  using Record = TypedConsumerRecord<K, V>;

  /// Takes over `consumer` (its callbacks and configuration stay as they are).
  explicit TypedConsumer(Consumer consumer, KeyDes key_deserializer = {},
                         ValueDes value_deserializer = {})
      : consumer_(std::move(consumer)),
        key_(std::move(key_deserializer)),
        value_(std::move(value_deserializer)) {}
  /// Constructs the Consumer: throws std::invalid_argument for bad configuration.
  explicit TypedConsumer(const Config& config, ConsumerCallbacks callbacks = {},
                         KeyDes key_deserializer = {}, ValueDes value_deserializer = {})
      : on_error_(callbacks.on_error),
        consumer_(config, std::move(callbacks)),
        key_(std::move(key_deserializer)),
        value_(std::move(value_deserializer)) {}

  /// Consumer::poll, deserialized. Records that fail to deserialize become error events.
  TypedPollResult<K, V> poll(std::chrono::milliseconds timeout) {
    PollResult raw = consumer_.poll(timeout);
    TypedPollResult<K, V> out;
    out.events = std::move(raw.events);
    out.records.reserve(raw.records.size());
    for (ConsumerRecord& r : raw.records) {
      auto key = deserialize_with<K>(key_, r.topic, r.key);
      auto value =
          key.ok() ? deserialize_with<V>(value_, r.topic, r.value) : Result<V>(Error{key.error()});
      if (!key.ok() || !value.ok()) {
        const Error& why = !key.ok() ? key.error() : value.error();
        Error e{why.code, std::string(!key.ok() ? "key" : "value") + " of " + std::string(r.topic) +
                              " [" + std::to_string(r.partition) + "] at offset " +
                              std::to_string(r.offset) +
                              " does not deserialize (skipped): " + why.message};
        if (on_error_) on_error_(e);
        out.events.push_back(ConsumerEvent{ConsumerEvent::Type::error, std::move(e), {}});
        continue;
      }
      out.records.push_back(Record{r.topic, r.partition, r.offset, r.timestamp, r.timestamp_type,
                                   std::move(key.value()), std::move(value.value()), r.headers,
                                   r.leader_epoch, std::move(r.storage)});
    }
    return out;
  }

  Result<void> subscribe(const std::vector<std::string>& topics) {
    return consumer_.subscribe(topics);
  }
  Result<void> unsubscribe() { return consumer_.unsubscribe(); }
  Result<void> assign(const std::vector<TopicPartitionOffset>& partitions) {
    return consumer_.assign(partitions);
  }
  Result<void> unassign() { return consumer_.unassign(); }
  Result<void> commit() { return consumer_.commit(); }
  Result<void> commit(const std::vector<TopicPartitionOffset>& offsets) {
    return consumer_.commit(offsets);
  }
  void commit_async(CommitCallback done = {}) { consumer_.commit_async(std::move(done)); }
  Result<void> seek(const TopicPartition& partition, std::int64_t offset) {
    return consumer_.seek(partition, offset);
  }
  Result<std::int64_t> position(const TopicPartition& partition) const {
    return consumer_.position(partition);
  }
  Result<void> pause(const std::vector<TopicPartition>& partitions) {
    return consumer_.pause(partitions);
  }
  Result<void> resume(const std::vector<TopicPartition>& partitions) {
    return consumer_.resume(partitions);
  }
  Result<void> close(std::chrono::milliseconds timeout) { return consumer_.close(timeout); }

  /// The untyped consumer, for everything else (offsets_for_times, watermarks, lag, ...).
  Consumer& consumer() noexcept { return consumer_; }
  const Consumer& consumer() const noexcept { return consumer_; }

 private:
  std::function<void(const Error&)> on_error_;  // deserialization failures, too
  Consumer consumer_;
  [[no_unique_address]] KeyDes key_;
  [[no_unique_address]] ValueDes value_;
};

}  // namespace kafkit
