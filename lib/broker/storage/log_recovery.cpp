#include "broker/storage/log_recovery.hpp"

#include <limits>
#include <vector>

#include "broker/storage/batch_scanner.hpp"

namespace kafkit::broker {
namespace {

/// Checks the loaded offset index against the batches as they are scanned: every entry
/// must point at the start of a batch that holds its offset.
class OffsetIndexCheck {
 public:
  explicit OffsetIndexCheck(const std::vector<OffsetPosition>& entries) : entries_(entries) {}

  void on_batch(const BatchInfo& b) {
    while (next_ < entries_.size() && entries_[next_].position < b.position) {
      ok_ = false;  // points into the middle of the previous batch
      ++next_;
    }
    if (next_ < entries_.size() && entries_[next_].position == b.position) {
      const auto& e = entries_[next_++];
      if (e.offset < b.header.base_offset || e.offset > b.header.last_offset()) ok_ = false;
    }
  }
  /// True if every entry matched a batch.
  bool finish() const noexcept { return ok_ && next_ == entries_.size(); }

 private:
  const std::vector<OffsetPosition>& entries_;
  size_t next_ = 0;
  bool ok_ = true;
};

bool time_index_matches(const std::vector<TimestampOffset>& entries, int64_t base,
                        const SegmentState& state) {
  for (const auto& e : entries)
    if (e.offset < base || e.offset >= state.next_offset || e.timestamp > state.max_timestamp)
      return false;
  return true;
}

}  // namespace

Result<SegmentLoad> load_segment(Segment& segment, const LogConfig& config, bool verify_crc,
                                 int64_t offset_limit) {
  SegmentLoad load;
  const int64_t base = segment.base_offset();
  const std::string log_name = segment.log_file().path().string();

  auto file_size = segment.log_file().size();
  if (!file_size) return file_size.error();

  // A damaged index is no reason to stop: it is rebuilt from the scan below.
  std::string index_problem;
  if (auto r = segment.offset_index().load(); !r) index_problem = r.error().message;
  if (auto r = segment.time_index().load(); !r && index_problem.empty())
    index_problem = r.error().message;
  OffsetIndexCheck index_check(segment.offset_index().entries());

  SegmentState state;
  state.next_offset = base;
  std::vector<OffsetPosition> offset_entries;
  std::vector<TimestampOffset> time_entries;
  auto add_time_entry = [&](int64_t ts, int64_t offset) {
    if (ts >= 0 && (time_entries.empty() || ts > time_entries.back().timestamp))
      time_entries.push_back({ts, offset});
  };

  BatchScanner scanner(segment.log_file(), 0, *file_size);
  std::string problem;
  for (;;) {
    auto step = scanner.next();
    if (!step) return step.error();
    if (step->status == ScanStatus::end) break;
    if (step->status != ScanStatus::batch) {
      problem = step->reason;
      break;
    }
    const BatchInfo& b = step->batch;
    const auto& h = b.header;
    std::string where = log_name + " at byte " + std::to_string(b.position) + ": ";
    // Offsets must continue from the previous batch, stay below the next segment, and fit
    // the indexes' INT32 relative offsets; positions must fit their INT32 positions.
    if (h.base_offset < state.next_offset || h.last_offset() >= offset_limit ||
        h.last_offset() < h.base_offset ||
        h.last_offset() - base > std::numeric_limits<int32_t>::max()) {
      problem = where + "batch offsets " + std::to_string(h.base_offset) + ".." +
                std::to_string(h.last_offset()) + " do not follow offset " +
                std::to_string(state.next_offset - 1) + " within this segment";
      break;
    }
    if (b.end() > std::numeric_limits<int32_t>::max()) {
      problem = where + "batch ends beyond the 2 GiB a segment may hold";
      break;
    }
    if (verify_crc) {
      auto bytes = read_batch_bytes(segment.log_file(), b);
      if (!bytes) return bytes.error();
      uint32_t crc = protocol::compute_batch_crc(*bytes);
      if (crc != h.crc) {
        problem = where + "CRC mismatch (stored " + std::to_string(h.crc) + ", computed " +
                  std::to_string(crc) + ") for batch at offset " + std::to_string(h.base_offset);
        break;
      }
    }
    index_check.on_batch(b);
    // The same bookkeeping as Segment::append(), so a rebuilt index equals a written one.
    if (state.size == 0) state.rolling_timestamp = h.max_timestamp;
    if (h.max_timestamp > state.max_timestamp) {
      state.max_timestamp = h.max_timestamp;
      state.offset_of_max_timestamp = h.last_offset();
    }
    if (state.bytes_since_index_entry > config.index_interval_bytes) {
      offset_entries.push_back({h.last_offset(), b.position});
      add_time_entry(state.max_timestamp, state.offset_of_max_timestamp);
      state.bytes_since_index_entry = 0;
    }
    state.bytes_since_index_entry += b.size();
    state.size = b.end();
    state.next_offset = h.last_offset() + 1;
  }
  add_time_entry(state.max_timestamp, state.offset_of_max_timestamp);

  if (!problem.empty()) {
    load.truncated = true;
    load.note = problem + "; truncated " + log_name + " to " + std::to_string(state.size) +
                " bytes (" + std::to_string(*file_size - state.size) + " bytes dropped)";
    if (auto r = segment.truncate_to(state.size, state); !r) return r.error();
  }
  segment.set_state(state);

  // An empty index where entries are due is a missing file (Kafka rebuilds those too).
  bool indexes_ok = index_problem.empty() && index_check.finish() &&
                    time_index_matches(segment.time_index().entries(), base, state) &&
                    (offset_entries.empty() || !segment.offset_index().entries().empty()) &&
                    (time_entries.empty() || !segment.time_index().entries().empty());
  if (verify_crc || load.truncated || !indexes_ok) {
    if (auto r = segment.offset_index().rewrite(offset_entries); !r) return r.error();
    if (auto r = segment.time_index().rewrite(time_entries); !r) return r.error();
    load.indexes_rebuilt = true;
    if (!indexes_ok) {
      if (!load.note.empty()) load.note += "; ";
      load.note += "rebuilt the indexes of " + log_name +
                   (index_problem.empty() ? std::string(" (entries did not match the log)")
                                          : " (" + index_problem + ")");
    }
  }
  return load;
}

}  // namespace kafkit::broker
