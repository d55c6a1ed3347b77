#pragma once
// Typed records and the step that turns one into a ProducerRecord: TypedProducer's
// serialization, on its own so that it can be used (and tested) without a producer.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "kafkit/record.hpp"
#include "kafkit/result.hpp"
#include "kafkit/serializers.hpp"

namespace kafkit {

/// Everything about a send except topic, key and value. Every member has a default
/// initializer so that designated initializers naming only some of them do not trip g++'s
/// -Wmissing-field-initializers (part of -Wextra).
struct SendOptions {
  /// Explicit partition; when unset the configured partitioner picks one.
  std::optional<std::int32_t> partition = {};
  /// Viewed, not copied, until send() returns (send() copies them).
  std::span<const Header> headers = {};
  /// Milliseconds since the epoch (CreateTime); unset means "now" at send().
  std::optional<std::int64_t> timestamp = {};
  /// Handed back untouched in the DeliveryReport.
  void* opaque = nullptr;
  /// This record's delivery report goes here instead of the global on_delivery callback.
  DeliveryCallback on_delivery = {};
};

/// A ProducerRecord with a typed key and value. An unset `key` is a null key (whatever K
/// is); a null value needs a V that can be null, such as std::optional<U>. Key and value
/// are held by value: move large ones in, or use send(topic, key, value, options), which
/// takes references.
template <class K, class V>
struct TypedRecord {
  std::string_view topic = {};
  std::optional<std::int32_t> partition = {};
  std::optional<K> key = {};
  V value = {};
  std::span<const Header> headers = {};
  std::optional<std::int64_t> timestamp = {};
  void* opaque = nullptr;
};

/// The bytes a serialized record's views point into. Reuse one across records: clear()
/// keeps the capacity, so steady-state serialization allocates nothing.
struct RecordBuffers {
  std::string key;
  std::string value;

  void clear() noexcept {
    key.clear();
    value.clear();
  }
};

/// Serializes typed keys and values into a ProducerRecord that views `buffers`, the topic
/// and the headers; the record is valid while those are alive and `buffers` is unchanged.
/// Not thread-safe if the serializers are stateful; the built-in ones are not.
template <class K, class V, class KeySer = Serializer<K>, class ValueSer = Serializer<V>>
requires SerializerFor<KeySer, K> && SerializerFor<ValueSer, V>
class RecordSerializer {
 public:
  explicit RecordSerializer(KeySer key_serializer = {}, ValueSer value_serializer = {})
      : key_ser_(std::move(key_serializer)), value_ser_(std::move(value_serializer)) {}

  /// Clears `buffers` first. Errors are errc::invalid_argument (or the serializer's own
  /// code) and say whether the key or the value failed, and for which topic.
  Result<ProducerRecord> serialize(std::string_view topic, const K& key, const V& value,
                                   const SendOptions& options, RecordBuffers& buffers) {
    return serialize_parts(topic, &key, value, options.partition, options.headers,
                           options.timestamp, options.opaque, buffers);
  }
  /// A null key.
  Result<ProducerRecord> serialize(std::string_view topic, std::nullopt_t, const V& value,
                                   const SendOptions& options, RecordBuffers& buffers) {
    return serialize_parts(topic, nullptr, value, options.partition, options.headers,
                           options.timestamp, options.opaque, buffers);
  }
  Result<ProducerRecord> serialize(const TypedRecord<K, V>& record, RecordBuffers& buffers) {
    return serialize_parts(record.topic, record.key ? &*record.key : nullptr, record.value,
                           record.partition, record.headers, record.timestamp, record.opaque,
                           buffers);
  }

  KeySer& key_serializer() noexcept { return key_ser_; }
  ValueSer& value_serializer() noexcept { return value_ser_; }

 private:
  Result<ProducerRecord> serialize_parts(std::string_view topic, const K* key, const V& value,
                                         std::optional<std::int32_t> partition,
                                         std::span<const Header> headers,
                                         std::optional<std::int64_t> timestamp, void* opaque,
                                         RecordBuffers& buffers) {
    buffers.clear();
    ProducerRecord record{.topic = topic,
                          .partition = partition,
                          .key = std::nullopt,
                          .value = std::nullopt,
                          .headers = headers,
                          .timestamp = timestamp,
                          .opaque = opaque};
    if (key != nullptr) {
      auto r = serialize_with<K>(key_ser_, topic, *key, buffers.key);
      if (!r.ok()) return failed("key", topic, r.error());
      if (*r == Serialized::bytes) record.key = std::string_view(buffers.key);
    }
    auto r = serialize_with<V>(value_ser_, topic, value, buffers.value);
    if (!r.ok()) return failed("value", topic, r.error());
    if (*r == Serialized::bytes) record.value = std::string_view(buffers.value);
    return record;
  }

  static Error failed(std::string_view what, std::string_view topic, const Error& cause) {
    return Error{cause.code, "cannot serialize the " + std::string(what) +
                                 " of a record for topic \"" + std::string(topic) +
                                 "\" (nothing was sent): " + cause.message};
  }

  [[no_unique_address]] KeySer key_ser_;
  [[no_unique_address]] ValueSer value_ser_;
};

}  // namespace kafkit
