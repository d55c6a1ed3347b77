#pragma once
// `-o`: where consuming starts in each partition (beginning | end | stored | N | -N from
// the end | s@ms, the first message at or after a time) and, with e@ms, where it stops
// (before the first message at or after that time). kcat reads "-o foo" as offset 0;
// kafkit refuses anything it cannot read.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafkit::cli {

struct StartOffset {
  enum class Kind { beginning, end, stored, absolute, tail, time };
  Kind kind = Kind::beginning;
  /// absolute: the offset; tail: how many messages before the end; time: ms since epoch.
  std::int64_t value = 0;
  friend bool operator==(const StartOffset&, const StartOffset&) = default;
};

struct OffsetRange {
  std::optional<StartOffset> start;       // unset: the mode's default
  std::optional<std::int64_t> stop_time;  // e@ms
};

/// One -o value. Throws UsageError naming it when it is none of the forms above.
StartOffset parse_start_offset(std::string_view text);

/// Every -o given, in order: the last start wins, e@ sets the stop time.
OffsetRange parse_offsets(const std::vector<std::string>& values);

/// The offset `count` messages before the high watermark, never before the log start.
std::int64_t tail_offset(std::int64_t low, std::int64_t high, std::int64_t count);

}  // namespace kafkit::cli
