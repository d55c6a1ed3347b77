#pragma once
// Result<T>: a value or an Error, returned by every fallible kafkit call. The subset of
// std::expected that kafkit needs, so a later switch to std::expected is a single alias
// (g++ 12 has no <expected>).
#include <string>
#include <utility>
#include <variant>

namespace kafkit {

/// What went wrong, in words a user can act on. `code` is a Kafka error code when the
/// failure came from a broker, or one of kafkit's local codes (negative, below -1).
struct Error {
  int code = -1;
  std::string message;

  bool operator==(const Error&) const = default;
};

/// Local error codes that never go on the wire.
namespace errc {
inline constexpr int malformed = -1000;    // input bytes do not follow the protocol
inline constexpr int unsupported = -1001;  // version or feature we do not implement
inline constexpr int invalid_argument = -1002;
inline constexpr int io = -1003;
// The clients' own outcomes (the network layer's are in -1100..-1199).
inline constexpr int queue_full = -1200;         // producer buffer full after max.block.ms
inline constexpr int message_timed_out = -1201;  // delivery.timeout.ms passed before an ack
inline constexpr int closed = -1202;             // the client was closed first
inline constexpr int fatal = -1203;              // the client cannot continue (see message)
inline constexpr int timed_out = -1204;          // a blocking call's own timeout passed
}  // namespace errc

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace kafkit
