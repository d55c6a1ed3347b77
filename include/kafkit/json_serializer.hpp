#pragma once
// JSON keys and values with nlohmann-json: nlohmann::json itself, and any type with
// to_json / from_json (nlohmann's ADL hooks or adl_serializer), as compact UTF-8 JSON text.
// A header of its own so that only the code that wants JSON compiles nlohmann.
//
//   kafkit::TypedProducer<std::string, Order, kafkit::Serializer<std::string>,
//                         kafkit::JsonSerializer<Order>> orders(...);
//   auto order = kafkit::deserialize_with<Order>(json_deserializer, topic, bytes);
//
// nlohmann::json gets Serializer / Deserializer specializations here, so
// TypedProducer<std::string, nlohmann::json> needs nothing more. Other types name
// JsonSerializer<T> / JsonDeserializer<T> explicitly: a blanket specialization for "every
// type with to_json" would change what Serializer<T> means depending on which headers a
// file happened to include.
//
// Strings must be valid UTF-8 (serializing reports an error otherwise, rather than sending
// text no JSON parser accepts). Thread-safety: stateless, any thread.
#include <exception>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "kafkit/result.hpp"
#include "kafkit/serializers.hpp"

namespace kafkit {

template <class T = nlohmann::json>
struct JsonSerializer {
  static Result<Serialized> serialize(std::string_view topic, const T& value, std::string& out) {
    try {
      if constexpr (std::is_same_v<T, nlohmann::json>) {
        out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
      } else {
        const nlohmann::json json = value;  // to_json
        out += json.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
      }
      return Serialized::bytes;
    } catch (const std::exception& e) {
      return Error{errc::invalid_argument,
                   "topic \"" + std::string(topic) + "\": cannot write JSON: " + e.what()};
    }
  }
};

template <class T = nlohmann::json>
struct JsonDeserializer {
  /// Never throws: invalid JSON (or invalid UTF-8) and JSON that from_json refuses are
  /// errc::malformed errors naming the topic and, for a parse error, the byte offset.
  static Result<T> deserialize(std::string_view topic, std::string_view data) {
    nlohmann::json json;
    try {
      // nlohmann parses iteratively and frees nested values iteratively (3.10+), so
      // deeply nested input cannot overflow the stack.
      json = nlohmann::json::parse(data.begin(), data.end());
    } catch (const std::exception& e) {
      return Error{errc::malformed, "topic \"" + std::string(topic) + "\": invalid JSON (" +
                                        std::to_string(data.size()) + " bytes): " + e.what()};
    }
    if constexpr (std::is_same_v<T, nlohmann::json>) {
      return json;
    } else {
      try {
        return json.get<T>();  // from_json
      } catch (const std::exception& e) {
        return Error{errc::malformed, "topic \"" + std::string(topic) +
                                          "\": JSON does not fit the type: " + e.what()};
      }
    }
  }
};

template <>
struct Serializer<nlohmann::json> : JsonSerializer<nlohmann::json> {};
template <>
struct Deserializer<nlohmann::json> : JsonDeserializer<nlohmann::json> {};

}  // namespace kafkit
