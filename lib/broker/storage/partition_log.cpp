#include "broker/storage/partition_log.hpp"

#include <algorithm>
#include <limits>

#include "broker/storage/checkpoint_file.hpp"
#include "broker/storage/partition_log_impl.hpp"
#include "protocol/records/record_batch.hpp"

namespace kafkit::broker {

namespace L = protocol::batch_layout;

Result<std::unique_ptr<PartitionLog>> PartitionLog::open(const std::filesystem::path& dir,
                                                         const LogConfig& config, int64_t now_ms) {
  auto log = std::make_unique<PartitionLogImpl>(dir, config);
  if (auto r = log->load(now_ms); !r) return r.error();
  return std::unique_ptr<PartitionLog>(std::move(log));
}

Result<void> PartitionLogImpl::check_open() const {
  if (closed_) return Error{errc::invalid_argument, "partition log " + describe() + " is closed"};
  return {};
}

int64_t PartitionLogImpl::size_bytes() const noexcept {
  int64_t total = 0;
  for (const auto& [base, segment] : segments_) total += segment->size();
  return total;
}

namespace {

/// A batch of an append request, as found by validate_batches().
struct IncomingBatch {
  size_t position = 0;
  protocol::RecordBatchHeader header;
};

/// The caller validated the batches (CRC, records); this re-checks only what the log
/// itself relies on, so a handler bug cannot corrupt the segment framing.
Result<std::vector<IncomingBatch>> split_batches(std::span<const std::byte> bytes,
                                                 const LogConfig& config) {
  std::vector<IncomingBatch> out;
  size_t pos = 0;
  auto corrupt = [&](const std::string& what) {
    return Error{protocol::corrupt_message_error,
                 "appended records at byte " + std::to_string(pos) + ": " + what};
  };
  while (pos < bytes.size()) {
    auto header = protocol::parse_batch_header(bytes.subspan(pos));
    if (!header) return corrupt(header.error().message);
    if (header->batch_length < L::min_batch_length)
      return corrupt("batch length " + std::to_string(header->batch_length) + " below minimum");
    size_t size = header->size_in_bytes();
    if (size > bytes.size() - pos)
      return corrupt("batch of " + std::to_string(size) + " bytes, only " +
                     std::to_string(bytes.size() - pos) + " given");
    if (header->last_offset_delta < 0 || header->record_count <= 0)
      return corrupt("batch holds no records");
    if (size > static_cast<size_t>(config.max_message_bytes))
      return Error{message_too_large_error, "batch of " + std::to_string(size) +
                                                " bytes exceeds max.message.bytes " +
                                                std::to_string(config.max_message_bytes)};
    if (static_cast<int64_t>(size) > config.segment_bytes)
      return Error{record_list_too_large_error, "batch of " + std::to_string(size) +
                                                    " bytes exceeds segment.bytes " +
                                                    std::to_string(config.segment_bytes)};
    out.push_back({pos, *header});
    pos += size;
  }
  if (out.empty()) return Error{errc::invalid_argument, "append of no record batches"};
  return out;
}

}  // namespace

Result<AppendResult> PartitionLogImpl::append(std::span<std::byte> batches, int32_t leader_epoch,
                                              int64_t now_ms) {
  if (auto r = check_open(); !r) return r.error();
  auto incoming = split_batches(batches, config_);
  if (!incoming) return incoming.error();

  const int64_t base_offset = log_end_offset();
  int64_t next = base_offset;
  int64_t max_timestamp = -1;
  std::vector<AppendedBatch> appended;
  appended.reserve(incoming->size());
  for (IncomingBatch& b : *incoming) {
    auto& h = b.header;
    std::span<std::byte> bytes = batches.subspan(b.position, h.size_in_bytes());
    // Offsets and leader epoch are outside the CRC (it starts at the attributes).
    h.base_offset = next;
    h.partition_leader_epoch = leader_epoch;
    protocol::set_base_offset(bytes, next);
    protocol::set_partition_leader_epoch(bytes, leader_epoch);
    if (config_.log_append_time) {
      // Kafka's in-place path (DefaultRecordBatch.setMaxTimestamp): the timestamp type bit
      // and maxTimestamp change, baseTimestamp and the record deltas stay, and since both
      // fields are covered by the CRC it is recomputed.
      h.attributes = static_cast<int16_t>(h.attributes | protocol::batch_attr::log_append_time);
      h.max_timestamp = now_ms;
      protocol::write_batch_header(h, bytes);
      h.crc = protocol::compute_batch_crc(bytes);
      protocol::write_batch_header(h, bytes);
    }
    next = h.next_offset();
    max_timestamp = std::max(max_timestamp, h.max_timestamp);
    appended.push_back({h.last_offset(), h.max_timestamp, static_cast<int64_t>(h.size_in_bytes())});
  }
  const int64_t last_offset = next - 1;

  // Kafka's roll conditions (UnifiedLog.maybeRoll / LogSegment.shouldRoll).
  {
    const Segment& a = active();
    const auto total = static_cast<int64_t>(batches.size());
    bool roll_now =
        !a.empty() &&
        (a.size() + total > config_.segment_bytes ||
         a.size() + total > std::numeric_limits<int32_t>::max() ||  // INT32 index positions
         a.age_ms(max_timestamp, now_ms) > config_.segment_ms ||
         a.offset_index().is_full(config_.segment_index_bytes) ||
         a.time_index().is_full(config_.segment_index_bytes) ||
         last_offset - a.base_offset() > std::numeric_limits<int32_t>::max());
    if (roll_now)
      if (auto r = roll(now_ms); !r) return r.error();
  }

  Segment& a = active();
  const SegmentState before = a.state();
  if (auto r = a.append(batches, appended, config_.index_interval_bytes); !r) return r.error();
  if (recovery_point_ >= base_offset) first_unflushed_ms_ = now_ms;  // first unflushed data

  // flush.messages counts messages since the last flush, as Kafka's unflushedMessages
  // (log end - recovery point) does.
  if (log_end_offset() - recovery_point_ >= config_.flush_messages) {
    if (auto r = flush_segments(); !r) {
      // Not durable, so not acknowledged: take the append back.
      (void)a.truncate_to(before.size, before);
      return r.error();
    }
  }
  return AppendResult{base_offset, last_offset, config_.log_append_time ? now_ms : -1, log_start_};
}

auto PartitionLogImpl::locate(int64_t offset, size_t max_bytes, bool min_one_batch) const
    -> Result<Located> {
  if (auto r = check_open(); !r) return r.error();
  const int64_t log_end = log_end_offset();
  if (offset < log_start_ || offset > log_end)
    return Error{offset_out_of_range_error, "offset " + std::to_string(offset) +
                                                " is out of range [" + std::to_string(log_start_) +
                                                ", " + std::to_string(log_end) + "] of " +
                                                describe()};
  if (offset == log_end) return Located{};

  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    const Segment& segment = *it->second;
    auto first = segment.find_batch(offset);
    if (!first) return first.error();
    if (!*first) continue;  // nothing at or after `offset` here: the next segment has it
    const int64_t start = (*first)->position;
    int64_t end = (*first)->end();
    const auto limit =
        static_cast<int64_t>(std::min<size_t>(max_bytes, std::numeric_limits<int64_t>::max()));
    if (end - start > limit && !min_one_batch) return Located{};
    // Whole batches only, from this one segment (as Kafka reads one segment per fetch).
    BatchScanner scanner(segment.log_file(), end, segment.size());
    for (;;) {
      auto step = scanner.next();
      if (!step) return step.error();
      if (step->status != ScanStatus::batch) break;  // end, or damage a later read reports
      if (step->batch.end() - start > limit) break;
      end = step->batch.end();
    }
    return Located{&segment, start, end};
  }
  return Located{};
}

Result<ReadResult> PartitionLogImpl::read(int64_t offset, size_t max_bytes, bool min_one_batch) {
  auto found = locate(offset, max_bytes, min_one_batch);
  if (!found) return found.error();
  ReadResult result;
  result.log_start_offset = log_start_;
  result.log_end_offset = log_end_offset();
  if (found->segment == nullptr) return result;
  auto bytes = found->segment->read(found->start, found->end - found->start);
  if (!bytes) return bytes.error();
  result.records = std::move(*bytes);
  return result;
}

Result<SliceResult> PartitionLogImpl::read_slice(int64_t offset, size_t max_bytes,
                                                 bool min_one_batch) {
  auto found = locate(offset, max_bytes, min_one_batch);
  if (!found) return found.error();
  SliceResult result;
  result.log_start_offset = log_start_;
  result.log_end_offset = log_end_offset();
  if (found->segment == nullptr) return result;
  result.slice = FileSlice{found->segment->shared_log_file(), found->start,
                           static_cast<size_t>(found->end - found->start)};
  return result;
}

Result<void> PartitionLogImpl::roll(int64_t now_ms) {
  Segment& old = active();
  if (old.empty()) return {};
  // The rolled segment is fsynced now (Kafka schedules the same flush right after a
  // roll), so recovery after a crash only ever has to look at the active segment.
  if (auto r = old.seal(); !r) return r;
  if (auto r = old.sync(); !r) return r;
  const int64_t base = old.next_offset();
  auto segment = Segment::create(dir_, base, now_ms);
  if (!segment) return segment.error();
  if (auto r = sync_directory(dir_); !r) return r;
  segments_.emplace(base, std::move(*segment));
  recovery_point_ = std::max(recovery_point_, base);
  return {};
}

Result<void> PartitionLogImpl::flush_segments() {
  const int64_t end = log_end_offset();
  if (end <= recovery_point_) return {};
  auto it = segments_.upper_bound(recovery_point_);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it)
    if (auto r = it->second->sync(); !r) return r;
  recovery_point_ = end;
  return {};
}

Result<void> PartitionLogImpl::persist_recovery_point() {
  if (recovery_point_ == persisted_recovery_point_) return {};
  if (auto r = write_checkpoint(dir_ / log_files::recovery_point, recovery_point_); !r) return r;
  persisted_recovery_point_ = recovery_point_;
  return {};
}

Result<void> PartitionLogImpl::persist_log_start() {
  return write_checkpoint(dir_ / log_files::log_start_offset, log_start_);
}

Result<void> PartitionLogImpl::flush() {
  if (auto r = check_open(); !r) return r;
  if (auto r = flush_segments(); !r) return r;
  return persist_recovery_point();
}

Result<void> PartitionLogImpl::close() {
  if (auto r = check_open(); !r) return r;
  // Kafka's LogSegment.close(): the active segment's largest timestamp goes into its time
  // index, so the index alone describes the segment after a restart.
  if (auto r = active().seal(); !r) return r;
  if (auto r = active().sync(); !r) return r;
  if (auto r = flush_segments(); !r) return r;
  if (auto r = persist_recovery_point(); !r) return r;
  if (auto r = persist_log_start(); !r) return r;
  {
    auto marker = FileHandle::open(dir_ / log_files::clean_shutdown, true);
    if (!marker) return marker.error();
    if (auto r = marker->sync(); !r) return r;
  }
  if (auto r = sync_directory(dir_); !r) return r;
  closed_ = true;
  return {};
}

}  // namespace kafkit::broker
