#pragma once
// Delivery reports of `kafkit -P`: counts them (the fast path is a counter, not a future
// per message) and prints one stderr line for each message the cluster did not take, so
// nothing is dropped silently; the exit code and a final line come from the counts.
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "kafkit/record.hpp"
#include "progress.hpp"

namespace kafkit::cli {

class DeliveryTracker {
 public:
  /// `progress` (optional) counts each delivered message with its bytes.
  explicit DeliveryTracker(std::FILE* err, Progress* progress = nullptr)
      : err_(err), progress_(progress) {}

  /// The opaque a record carries so its report can name it and count its bytes: its
  /// 1-based input number (34 bits) and key + value size (30 bits, enough for any record
  /// a broker takes: message.max.bytes is at most 10^9). No allocation per message.
  static void* tag(std::uint64_t number, std::uint64_t bytes = 0) noexcept {
    if (bytes > kMaxBytes) bytes = kMaxBytes;
    return reinterpret_cast<void*>(static_cast<std::uintptr_t>(number << kBytesBits | bytes));
  }
  static std::uint64_t number_of(const void* opaque) noexcept {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(opaque)) >> kBytesBits;
  }
  static std::uint64_t bytes_of(const void* opaque) noexcept {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(opaque)) & kMaxBytes;
  }
  /// The producer's delivery callback (runs on the producing thread, inside poll()).
  void on_report(const DeliveryReport& report);

  std::uint64_t delivered() const noexcept { return delivered_; }
  std::uint64_t failed() const noexcept { return failed_; }
  /// Records handed to the producer with no report yet.
  std::uint64_t outstanding(std::uint64_t sent) const noexcept {
    return sent - delivered_ - failed_;
  }

  /// One line "N of M messages were not delivered" when any failed or never got a report.
  void print_failures(std::uint64_t sent) const;

 private:
  static constexpr int kBytesBits = 30;
  static constexpr std::uint64_t kMaxBytes = (std::uint64_t{1} << kBytesBits) - 1;
  static_assert(sizeof(std::uintptr_t) >= 8, "the tag packs 64 bits into a pointer");

  std::FILE* err_;
  Progress* progress_;
  /// @thread the producing thread only (delivery callbacks run there)
  std::uint64_t delivered_ = 0;
  std::uint64_t failed_ = 0;
};

}  // namespace kafkit::cli
