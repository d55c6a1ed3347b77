#include "broker/storage/segment.hpp"

#include <cstdio>

namespace kafkit::broker {

std::string segment_file_name(int64_t base_offset, const char* extension) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%020lld", static_cast<long long>(base_offset));
  return std::string(digits) + extension;
}

std::optional<int64_t> parse_segment_file_name(const std::string& name, const char* extension) {
  std::string ext(extension);
  if (name.size() != 20 + ext.size() || name.compare(20, ext.size(), ext) != 0) return std::nullopt;
  int64_t value = 0;
  for (size_t i = 0; i < 20; ++i) {
    char c = name[i];
    if (c < '0' || c > '9') return std::nullopt;
    // 20 digits can exceed INT64_MAX; such a name is not one of ours.
    if (value > (INT64_MAX - (c - '0')) / 10) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

Result<std::unique_ptr<Segment>> Segment::open_files(const std::filesystem::path& dir,
                                                     int64_t base_offset, int64_t now_ms,
                                                     bool truncate) {
  std::unique_ptr<Segment> s(new Segment());
  s->dir_ = dir;
  s->base_ = base_offset;
  s->created_ms_ = now_ms;
  s->state_.next_offset = base_offset;
  auto log = FileHandle::open(dir / segment_file_name(base_offset, ".log"), true);
  if (!log) return log.error();
  s->log_ = std::make_shared<FileHandle>(std::move(*log));
  auto index = OffsetIndex::open(dir / segment_file_name(base_offset, ".index"), base_offset);
  if (!index) return index.error();
  s->offset_index_ = std::move(*index);
  auto time_index =
      TimeIndex::open(dir / segment_file_name(base_offset, ".timeindex"), base_offset);
  if (!time_index) return time_index.error();
  s->time_index_ = std::move(*time_index);
  if (truncate) {
    if (auto r = s->log_->truncate(0); !r) return r.error();
    if (auto r = s->offset_index_.rewrite({}); !r) return r.error();
    if (auto r = s->time_index_.rewrite({}); !r) return r.error();
  }
  return s;
}

Result<std::unique_ptr<Segment>> Segment::create(const std::filesystem::path& dir,
                                                 int64_t base_offset, int64_t now_ms) {
  return open_files(dir, base_offset, now_ms, true);
}

Result<std::unique_ptr<Segment>> Segment::open(const std::filesystem::path& dir,
                                               int64_t base_offset, int64_t now_ms) {
  return open_files(dir, base_offset, now_ms, false);
}

int64_t Segment::age_ms(int64_t reference_ms, int64_t now_ms) const noexcept {
  if (state_.rolling_timestamp >= 0 && reference_ms >= 0)
    return reference_ms - state_.rolling_timestamp;
  return now_ms - created_ms_;
}

int64_t Segment::retention_timestamp() const {
  if (state_.max_timestamp >= 0) return state_.max_timestamp;
  auto mtime = log_->modified_ms();
  return mtime ? *mtime : created_ms_;
}

Result<void> Segment::append(std::span<const std::byte> bytes,
                             const std::vector<AppendedBatch>& batches, int32_t index_interval) {
  const SegmentState before = state_;
  auto undo = [&](Error error) -> Result<void> {
    // Best effort: if even the truncation fails, recovery will cut the torn tail at the
    // next open (the clean-shutdown marker is never written after a failure like this).
    (void)log_->truncate(before.size);
    (void)offset_index_.truncate_to_position(before.size);
    (void)time_index_.truncate_to_offset(before.next_offset);
    state_ = before;
    return error;
  };
  if (auto r = log_->write_all(state_.size, bytes); !r) return undo(r.error());

  int64_t position = state_.size;
  if (before.size == 0 && !batches.empty())
    state_.rolling_timestamp = batches.front().max_timestamp;
  for (const AppendedBatch& b : batches) {
    if (b.max_timestamp > state_.max_timestamp) {
      state_.max_timestamp = b.max_timestamp;
      state_.offset_of_max_timestamp = b.last_offset;
    }
    // Kafka's rule: index the batch that starts once more than index.interval.bytes were
    // written since the last entry, keyed by its last offset.
    if (state_.bytes_since_index_entry > index_interval) {
      if (auto r = offset_index_.append(b.last_offset, position); !r) return undo(r.error());
      if (state_.max_timestamp >= 0) {
        auto r = time_index_.maybe_append(state_.max_timestamp, state_.offset_of_max_timestamp);
        if (!r) return undo(r.error());
      }
      state_.bytes_since_index_entry = 0;
    }
    position += b.size;
    state_.bytes_since_index_entry += b.size;
    state_.next_offset = b.last_offset + 1;
  }
  state_.size = position;
  return {};
}

int64_t Segment::scan_start(int64_t offset) const noexcept {
  auto entry = offset_index_.lookup(offset);
  return entry ? entry->position : 0;
}

Result<std::optional<BatchInfo>> Segment::find_batch(int64_t offset) const {
  BatchScanner scanner(*log_, scan_start(offset), state_.size);
  for (;;) {
    auto step = scanner.next();
    if (!step) return step.error();
    switch (step->status) {
      case ScanStatus::batch:
        if (step->batch.header.last_offset() >= offset) return std::optional(step->batch);
        break;
      case ScanStatus::end:
        return std::optional<BatchInfo>();
      case ScanStatus::torn:
      case ScanStatus::invalid:
        return Error{protocol::corrupt_message_error, "corrupt segment: " + step->reason};
    }
  }
}

Result<protocol::Bytes> Segment::read(int64_t position, int64_t length) const {
  protocol::Bytes out(static_cast<size_t>(length));
  if (auto r = log_->read_exact(position, out); !r) return r.error();
  return out;
}

Result<void> Segment::truncate_to(int64_t position, const SegmentState& state) {
  if (auto r = log_->truncate(position); !r) return r;
  if (auto r = offset_index_.truncate_to_position(position); !r) return r;
  if (auto r = time_index_.truncate_to_offset(state.next_offset); !r) return r;
  state_ = state;
  return {};
}

Result<void> Segment::seal() {
  if (state_.max_timestamp < 0) return {};
  return time_index_.maybe_append(state_.max_timestamp, state_.offset_of_max_timestamp);
}

Result<void> Segment::sync() {
  if (auto r = log_->sync(); !r) return r;
  if (auto r = offset_index_.sync(); !r) return r;
  return time_index_.sync();
}

Result<void> Segment::remove_files() {
  for (const char* ext : {".log", ".index", ".timeindex"})
    if (auto r = remove_file(dir_ / segment_file_name(base_, ext)); !r) return r;
  return {};
}

}  // namespace kafkit::broker
