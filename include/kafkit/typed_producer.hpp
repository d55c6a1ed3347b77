#pragma once
// TypedProducer: a Producer that takes typed keys and values and serializes them.
//
//   kafkit::TypedProducer<std::string, std::int64_t> counts({{"bootstrap.servers", "b:9092"}});
//   counts.send("page-views", "/index.html", 42);                 // key and value
//   counts.send("page-views", 7);                                 // null key
//   counts.send("page-views", std::nullopt, 7, {.partition = 3}); // null key, options
//   counts.send({.topic = "page-views", .key = "/a", .value = 1, .timestamp = ts});
//   counts.flush(std::chrono::seconds(10));
//
// Serializers are `kafkit::Serializer<K>` / `<V>` unless given (see serializers.hpp for
// the forms a serializer may take; a lambda type works). send() takes `const K&` and
// `const V&`, so K = std::string_view avoids building a std::string from a literal or a
// buffer that is already at hand. send() serializes into per-thread
// buffers that are reused from record to record, then hands views of them to
// Producer::send, which copies the bytes before it returns. A serializer that fails or
// throws makes send() return that error, and nothing is sent.
//
// Threads, blocking and callbacks are the Producer's (see producer.hpp): send() may be
// called from any thread as long as the serializers may (the built-in ones may; a stateful
// functor is called from every sending thread). Delivery reports run inside poll(),
// flush(), close() and a send() waiting for buffer space.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kafkit/config.hpp"
#include "kafkit/producer.hpp"
#include "kafkit/record.hpp"
#include "kafkit/result.hpp"
#include "kafkit/serializers.hpp"
#include "kafkit/typed_record.hpp"

namespace kafkit {

namespace detail {

/// This thread's serialization buffers for the duration of one send(). A delivery
/// callback run inside Producer::send (while it waits for buffer space) may itself call
/// send() on the same thread before the outer record's bytes were copied; such a nested
/// send gets fresh buffers instead of overwriting the ones the outer record views.
class ScratchLease {
 public:
  ScratchLease() {
    Slot& slot = this_thread_slot();
    if (!slot.busy) {
      slot.busy = true;
      buffers_ = &slot.buffers;
    } else {
      nested_.emplace();
      buffers_ = &*nested_;
    }
  }
  ~ScratchLease() {
    if (nested_) return;
    Slot& slot = this_thread_slot();
    // One huge record should not pin its buffer for the thread's lifetime.
    constexpr std::size_t keep = std::size_t{1} << 20;
    if (slot.buffers.key.capacity() > keep) slot.buffers.key = std::string();
    if (slot.buffers.value.capacity() > keep) slot.buffers.value = std::string();
    slot.busy = false;
  }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;

  RecordBuffers& buffers() noexcept { return *buffers_; }

 private:
  struct Slot {
    RecordBuffers buffers;
    bool busy = false;
  };
  // An inline function's thread_local is one object per thread for the whole program.
  static Slot& this_thread_slot() {
    thread_local Slot slot;
    return slot;
  }

  RecordBuffers* buffers_ = nullptr;
  std::optional<RecordBuffers> nested_;
};

}  // namespace detail

template <class K, class V, class KeySer = Serializer<K>, class ValueSer = Serializer<V>>
requires SerializerFor<KeySer, K> && SerializerFor<ValueSer, V>
class TypedProducer {
 public:
  using key_type = K;
  using value_type = V;
  using Record = TypedRecord<K, V>;

  /// Takes over `producer` (its callbacks and configuration stay as they are).
  explicit TypedProducer(Producer producer, KeySer key_serializer = {},
                         ValueSer value_serializer = {})
      : producer_(std::move(producer)),
        serializer_(std::move(key_serializer), std::move(value_serializer)) {}
  /// Constructs the Producer: throws std::invalid_argument for bad configuration.
  explicit TypedProducer(const Config& config, ProducerCallbacks callbacks = {},
                         KeySer key_serializer = {}, ValueSer value_serializer = {})
      : producer_(config, std::move(callbacks)),
        serializer_(std::move(key_serializer), std::move(value_serializer)) {}

  /// Serializes and queues one record; blocks and fails as Producer::send does.
  Result<void> send(std::string_view topic, const K& key, const V& value,
                    const SendOptions& options = {}) {
    detail::ScratchLease scratch;
    auto record = serializer_.serialize(topic, key, value, options, scratch.buffers());
    if (!record.ok()) return record.error();
    return dispatch(*record, options.on_delivery);
  }
  /// A null key: `send(topic, std::nullopt, value, options)`.
  Result<void> send(std::string_view topic, std::nullopt_t, const V& value,
                    const SendOptions& options = {}) {
    detail::ScratchLease scratch;
    auto record = serializer_.serialize(topic, std::nullopt, value, options, scratch.buffers());
    if (!record.ok()) return record.error();
    return dispatch(*record, options.on_delivery);
  }
  /// A null key and no options.
  Result<void> send(std::string_view topic, const V& value) {
    return send(topic, std::nullopt, value);
  }
  /// `on_delivery`, when set, replaces the global delivery callback for this record.
  Result<void> send(const Record& typed, const DeliveryCallback& on_delivery = {}) {
    detail::ScratchLease scratch;
    auto record = serializer_.serialize(typed, scratch.buffers());
    if (!record.ok()) return record.error();
    return dispatch(*record, on_delivery);
  }

  int poll(std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) {
    return producer_.poll(timeout);
  }
  Result<void> flush(std::chrono::milliseconds timeout) { return producer_.flush(timeout); }
  Result<void> close(std::chrono::milliseconds timeout) { return producer_.close(timeout); }
  std::size_t pending() const { return producer_.pending(); }

  /// The untyped producer, e.g. for send_batch() of records serialized elsewhere.
  Producer& producer() noexcept { return producer_; }
  const Producer& producer() const noexcept { return producer_; }
  RecordSerializer<K, V, KeySer, ValueSer>& serializer() noexcept { return serializer_; }

 private:
  Result<void> dispatch(const ProducerRecord& record, const DeliveryCallback& on_delivery) {
    // An empty callback means "the global one": only the one-argument send() says that.
    if (on_delivery) return producer_.send(record, on_delivery);
    return producer_.send(record);
  }

  Producer producer_;
  RecordSerializer<K, V, KeySer, ValueSer> serializer_;
};

}  // namespace kafkit
