#pragma once
// Delivery reports of `kafkit -P`: counts them (the fast path is a counter, not a future
// per message) and prints one stderr line for each message the cluster did not take, so
// nothing is dropped silently; the exit code and a final line come from the counts.
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "kafkit/record.hpp"

namespace kafkit::cli {

class DeliveryTracker {
 public:
  explicit DeliveryTracker(std::FILE* err) : err_(err) {}

  /// The opaque a record carries so its report can name it: its 1-based input number.
  static void* tag(std::uint64_t number) noexcept {
    return reinterpret_cast<void*>(static_cast<std::uintptr_t>(number));
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
  std::FILE* err_;
  /// @thread the producing thread only (delivery callbacks run there)
  std::uint64_t delivered_ = 0;
  std::uint64_t failed_ = 0;
};

}  // namespace kafkit::cli
