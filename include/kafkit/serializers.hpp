#pragma once
// Serializers turn typed keys and values into record bytes; deserializers turn bytes back.
//
// Built in (byte layouts match the Java client's org.apache.kafka.common.serialization, so
// Java and kafkit applications can share topics):
//   std::string, std::string_view, const char*   bytes as-is (Java StringSerializer, UTF-8)
//   16/32/64-bit integers                        big-endian two's complement (Java Short/
//                                                Integer/LongSerializer); unsigned types use
//                                                the same layout (Java reads them as signed)
//   float, double                                big-endian IEEE-754 (Java Float/Double)
//   std::vector<std::byte>, span<const byte>     bytes as-is (Java ByteArraySerializer)
//   std::optional<T>                             nullopt <-> a null key/value, else T's bytes
//   nlohmann::json and to_json/from_json types   UTF-8 JSON text: <kafkit/json_serializer.hpp>
//
// A serializer for T is any of these (see `SerializerFor`):
//   - a type with `serialize(std::string_view topic, const T& value, std::string& out)`,
//     e.g. a specialization of `kafkit::Serializer<T>` (static or member function);
//   - a callable `(std::string_view topic, const T& value, std::string& out)`;
//   - a callable `(std::string_view topic, const T& value)` returning bytes.
// The first two *append* to `out`, a buffer the caller reuses from record to record, so a
// steady stream of records costs no allocation for serialization. They may return `void`,
// `Serialized`, `Result<void>` or `Result<Serialized>`; `Serialized::null` makes the key or
// value null. The third may return std::string (or anything convertible to
// std::string_view), std::vector<std::byte>, or std::optional / Result of those.
// Call serializers through `serialize_with()`, which turns an exception into an Error and
// leaves `out` as it was when serialization fails or yields null.
//
// A deserializer for T has `deserialize(std::string_view topic, std::string_view data)`
// (or is such a callable) returning Result<T> (or T). Call it through `deserialize()` /
// `deserialize_with()`, which handle null data (only std::optional<T> may be null) and
// turn exceptions into errors: deserializing never throws, whatever the bytes.
//
// Thread-safety: the built-in serializers are stateless and may be used from any thread.
#include <bit>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "kafkit/result.hpp"

namespace kafkit {

/// What a serializer produced: bytes appended to `out`, or a null key/value.
enum class Serialized : std::uint8_t { bytes, null };

/// Specialize for your own types (or pass a functor to TypedProducer instead).
template <class T>
struct Serializer;
template <class T>
struct Deserializer;

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
inline constexpr bool is_optional_v = is_optional<std::remove_cvref_t<T>>::value;

template <class T>
struct is_result : std::false_type {};
template <class T>
struct is_result<Result<T>> : std::true_type {};

inline std::string_view as_chars(std::span<const std::byte> bytes) noexcept {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}
inline std::span<const std::byte> as_bytes(std::string_view chars) noexcept {
  return {reinterpret_cast<const std::byte*>(chars.data()), chars.size()};
}

template <std::unsigned_integral U>
void append_big_endian(std::string& out, U v) {
  char buf[sizeof(U)];
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    buf[i] = static_cast<char>(v >> (8 * (sizeof(U) - 1 - i)));
  }
  out.append(buf, sizeof(U));
}

/// Reads exactly data.size() bytes; the caller has checked the size.
template <std::unsigned_integral U>
U read_big_endian(std::string_view data) noexcept {
  U v = 0;
  for (char c : data) v = static_cast<U>((v << 8) | static_cast<unsigned char>(c));
  return v;
}

inline Error size_error(std::string_view topic, std::string_view type, std::size_t expected,
                        std::size_t got) {
  return Error{errc::malformed, "topic \"" + std::string(topic) + "\": " + std::string(type) +
                                    " needs exactly " + std::to_string(expected) + " bytes, got " +
                                    std::to_string(got)};
}

template <class T>
std::string integer_name() {
  return (std::is_signed_v<T> ? "int" : "uint") + std::to_string(8 * sizeof(T));
}

template <class T>
concept wire_integer = std::integral<T> && !std::same_as<T, bool> &&
                       (sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);

}  // namespace detail

// --- strings and bytes: as-is -----------------------------------------------------------

template <>
struct Serializer<std::string_view> {
  static void serialize(std::string_view, std::string_view value, std::string& out) {
    out.append(value);
  }
};
template <>
struct Serializer<std::string> : Serializer<std::string_view> {};
/// A null pointer is a null key/value, as a null String is for Java's StringSerializer.
template <>
struct Serializer<const char*> {
  static Serialized serialize(std::string_view, const char* value, std::string& out) {
    if (value == nullptr) return Serialized::null;
    out.append(value);
    return Serialized::bytes;
  }
};
template <>
struct Serializer<std::span<const std::byte>> {
  static void serialize(std::string_view, std::span<const std::byte> value, std::string& out) {
    out.append(detail::as_chars(value));
  }
};
template <>
struct Serializer<std::vector<std::byte>> : Serializer<std::span<const std::byte>> {};

template <>
struct Deserializer<std::string> {
  static Result<std::string> deserialize(std::string_view, std::string_view data) {
    return std::string(data);
  }
};
/// A view into the record's bytes: valid only as long as the record it came from.
template <>
struct Deserializer<std::string_view> {
  static Result<std::string_view> deserialize(std::string_view, std::string_view data) {
    return data;
  }
};
template <>
struct Deserializer<std::vector<std::byte>> {
  static Result<std::vector<std::byte>> deserialize(std::string_view, std::string_view data) {
    auto bytes = detail::as_bytes(data);
    return std::vector<std::byte>(bytes.begin(), bytes.end());
  }
};
/// A view into the record's bytes: valid only as long as the record it came from.
template <>
struct Deserializer<std::span<const std::byte>> {
  static Result<std::span<const std::byte>> deserialize(std::string_view, std::string_view data) {
    return detail::as_bytes(data);
  }
};

// --- integers: big-endian, fixed width (Java Short/Integer/LongSerializer) ----------------

template <class T>
requires detail::wire_integer<T>
struct Serializer<T> {
  static void serialize(std::string_view, T value, std::string& out) {
    detail::append_big_endian(out, static_cast<std::make_unsigned_t<T>>(value));
  }
};
template <class T>
requires detail::wire_integer<T>
struct Deserializer<T> {
  /// Java's deserializers refuse any other length ("Size of data received by
  /// IntegerDeserializer is not 4"); so do we, rather than guess at padding.
  static Result<T> deserialize(std::string_view topic, std::string_view data) {
    if (data.size() != sizeof(T)) {
      return detail::size_error(topic, detail::integer_name<T>(), sizeof(T), data.size());
    }
    // Unsigned to signed is modular in C++20, so this is two's complement as on the wire.
    return static_cast<T>(detail::read_big_endian<std::make_unsigned_t<T>>(data));
  }
};

// --- floating point: big-endian IEEE-754 (Java Float/DoubleSerializer) --------------------

template <>
struct Serializer<double> {
  static void serialize(std::string_view, double value, std::string& out) {
    // Java's DoubleSerializer uses doubleToLongBits, which folds every NaN into the one
    // canonical quiet NaN 0x7ff8000000000000: do the same so equal records hash equally.
    const std::uint64_t bits =
        std::isnan(value) ? 0x7ff8000000000000ULL : std::bit_cast<std::uint64_t>(value);
    detail::append_big_endian(out, bits);
  }
};
template <>
struct Serializer<float> {
  static void serialize(std::string_view, float value, std::string& out) {
    // Java's FloatSerializer uses floatToRawIntBits: NaN payloads are kept as they are.
    detail::append_big_endian(out, std::bit_cast<std::uint32_t>(value));
  }
};
template <>
struct Deserializer<double> {
  static Result<double> deserialize(std::string_view topic, std::string_view data) {
    if (data.size() != 8) return detail::size_error(topic, "double", 8, data.size());
    return std::bit_cast<double>(detail::read_big_endian<std::uint64_t>(data));
  }
};
template <>
struct Deserializer<float> {
  static Result<float> deserialize(std::string_view topic, std::string_view data) {
    if (data.size() != 4) return detail::size_error(topic, "float", 4, data.size());
    return std::bit_cast<float>(detail::read_big_endian<std::uint32_t>(data));
  }
};

// --- calling serializers ------------------------------------------------------------------

template <class S, class T>
concept SerializerFor = requires(S& s, std::string_view topic, const T& value, std::string& out) {
  s.serialize(topic, value, out);
}
|| std::invocable<S&, std::string_view, const T&, std::string&> ||
    std::invocable<S&, std::string_view, const T&>;

namespace detail {

/// One of the appending forms' return types, as Result<Serialized>.
template <class R>
Result<Serialized> appended_result(R&& r) {
  using Plain = std::remove_cvref_t<R>;
  if constexpr (std::is_same_v<Plain, Serialized>) {
    return r;
  } else if constexpr (std::is_same_v<Plain, Result<void>>) {
    if (!r.ok()) return r.error();
    return Serialized::bytes;
  } else if constexpr (std::is_same_v<Plain, Result<Serialized>>) {
    return std::forward<R>(r);
  } else {
    static_assert(sizeof(Plain) == 0,
                  "an appending serializer returns void, Serialized, Result<void> or "
                  "Result<Serialized>");
  }
}

/// The returning form's bytes, appended to `out`.
template <class R>
Result<Serialized> append_returned(R&& r, std::string& out) {
  using Plain = std::remove_cvref_t<R>;
  if constexpr (std::is_convertible_v<const Plain&, std::string_view>) {
    out.append(std::string_view(r));
    return Serialized::bytes;
  } else if constexpr (std::is_same_v<Plain, std::vector<std::byte>>) {
    out.append(as_chars(r));
    return Serialized::bytes;
  } else if constexpr (is_optional<Plain>::value) {
    if (!r.has_value()) return Serialized::null;
    return append_returned(*r, out);
  } else if constexpr (is_result<Plain>::value) {
    if (!r.ok()) return r.error();
    return append_returned(*r, out);
  } else {
    static_assert(sizeof(Plain) == 0,
                  "a returning serializer returns std::string (or anything convertible to "
                  "std::string_view), std::vector<std::byte>, or std::optional / Result of one");
  }
}

template <class T, class S>
Result<Serialized> call_serializer(S& ser, std::string_view topic, const T& value,
                                   std::string& out) {
  if constexpr (requires { ser.serialize(topic, value, out); }) {
    if constexpr (std::is_void_v<decltype(ser.serialize(topic, value, out))>) {
      ser.serialize(topic, value, out);
      return Serialized::bytes;
    } else {
      return appended_result(ser.serialize(topic, value, out));
    }
  } else if constexpr (std::invocable<S&, std::string_view, const T&, std::string&>) {
    if constexpr (std::is_void_v<
                      std::invoke_result_t<S&, std::string_view, const T&, std::string&>>) {
      ser(topic, value, out);
      return Serialized::bytes;
    } else {
      return appended_result(ser(topic, value, out));
    }
  } else {
    return append_returned(ser(topic, value), out);
  }
}

}  // namespace detail

/// Appends `value`'s bytes to `out` with `ser`. On an error or a null result `out` is
/// restored to its size on entry, so a failed record leaves nothing behind. An exception
/// from the serializer becomes an errc::invalid_argument Error carrying its what().
template <class T, SerializerFor<T> S>
Result<Serialized> serialize_with(S& ser, std::string_view topic, const T& value,
                                  std::string& out) {
  const std::size_t mark = out.size();
  try {
    Result<Serialized> result = detail::call_serializer<T>(ser, topic, value, out);
    if (!result.ok() || *result == Serialized::null) out.resize(mark);
    return result;
  } catch (const std::exception& e) {
    out.resize(mark);
    return Error{errc::invalid_argument, std::string("the serializer threw: ") + e.what()};
  } catch (...) {
    out.resize(mark);
    return Error{errc::invalid_argument,
                 "the serializer threw something other than a std::exception"};
  }
}

/// serialize_with() using Serializer<T>.
template <class T>
Result<Serialized> serialize(std::string_view topic, const T& value, std::string& out) {
  Serializer<T> ser;
  return serialize_with<T>(ser, topic, value, out);
}

// --- optional: nullopt is a null key/value ------------------------------------------------

/// Null for nullopt, else `Inner`'s bytes. Serializer<std::optional<T>> is this with
/// Serializer<T>; name it directly to wrap another serializer (e.g. JsonSerializer<T>).
template <class T, class Inner = Serializer<T>>
struct OptionalSerializer {
  [[no_unique_address]] Inner inner{};

  Result<Serialized> serialize(std::string_view topic, const std::optional<T>& value,
                               std::string& out) {
    if (!value.has_value()) return Serialized::null;
    return serialize_with<T>(inner, topic, *value, out);
  }
};
template <class T>
struct Serializer<std::optional<T>> : OptionalSerializer<T> {};

// --- calling deserializers ----------------------------------------------------------------

namespace detail {

template <class T, class D>
Result<T> call_deserializer(D& des, std::string_view topic, std::string_view data) {
  auto produced = [&]() -> decltype(auto) {
    if constexpr (requires { des.deserialize(topic, data); }) {
      return des.deserialize(topic, data);
    } else {
      return des(topic, data);
    }
  };
  using R = std::remove_cvref_t<decltype(produced())>;
  if constexpr (is_result<R>::value) {
    R r = produced();
    if (!r.ok()) return r.error();
    return T(std::move(*r));
  } else {
    return T(produced());
  }
}

}  // namespace detail

/// Deserializes a key or value with `des`. Null `data` (a null key, a tombstone) becomes
/// an empty std::optional when T is one, and an errc::malformed Error otherwise. Never
/// throws: an exception from `des` becomes an errc::malformed Error.
template <class T, class D>
Result<T> deserialize_with(D& des, std::string_view topic, std::optional<std::string_view> data) {
  try {
    if (!data.has_value()) {
      if constexpr (detail::is_optional_v<T>) {
        return T{};
      } else {
        return Error{errc::malformed, "topic \"" + std::string(topic) +
                                          "\": the key or value is null, and the target type "
                                          "cannot be; deserialize into a std::optional"};
      }
    }
    return detail::call_deserializer<T>(des, topic, *data);
  } catch (const std::exception& e) {
    return Error{errc::malformed,
                 "topic \"" + std::string(topic) + "\": the deserializer threw: " + e.what()};
  } catch (...) {
    return Error{errc::malformed, "topic \"" + std::string(topic) +
                                      "\": the deserializer threw something other than a "
                                      "std::exception"};
  }
}

/// deserialize_with() using Deserializer<T>.
template <class T>
Result<T> deserialize(std::string_view topic, std::optional<std::string_view> data) {
  Deserializer<T> des;
  return deserialize_with<T>(des, topic, data);
}
template <class T>
Result<T> deserialize(std::string_view topic, std::span<const std::byte> data) {
  return deserialize<T>(topic, std::optional<std::string_view>(detail::as_chars(data)));
}

/// For non-null data; deserialize_with() turns null into nullopt before calling this.
template <class T, class Inner = Deserializer<T>>
struct OptionalDeserializer {
  [[no_unique_address]] Inner inner{};

  Result<std::optional<T>> deserialize(std::string_view topic, std::string_view data) {
    return deserialize_with<std::optional<T>>(inner, topic, data);
  }
};
template <class T>
struct Deserializer<std::optional<T>> : OptionalDeserializer<T> {};

}  // namespace kafkit
