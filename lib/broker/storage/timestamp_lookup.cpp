// PartitionLogImpl: ListOffsets by timestamp (KIP-33's time index) and the max timestamp
// (KIP-734). The time index narrows the search to a stretch of one segment; the records
// of candidate batches are then decoded, because the answer is a record's offset and a
// batch's maxTimestamp only says that some record in it qualifies.
#include <algorithm>

#include "broker/storage/batch_scanner.hpp"
#include "broker/storage/partition_log_impl.hpp"
#include "protocol/records/record_batch_view.hpp"

namespace kafkit::broker {

Result<std::optional<OffsetAndTimestamp>> PartitionLogImpl::search_segment(
    const Segment& segment, int64_t timestamp) const {
  using Found = std::optional<OffsetAndTimestamp>;
  if (segment.state().max_timestamp < timestamp) return Found();
  // The last time index entry at or below the target: no record up to its offset has a
  // larger timestamp, so the first match is in its batch or after.
  int64_t from_offset = log_start_;
  if (auto entry = segment.time_index().lookup(timestamp))
    from_offset = std::max(from_offset, entry->offset);
  BatchScanner scanner(segment.log_file(), segment.scan_start(from_offset), segment.size());
  protocol::RecordBatchView view;
  for (;;) {
    auto step = scanner.next();
    if (!step) return step.error();
    if (step->status == ScanStatus::end) return Found();
    if (step->status != ScanStatus::batch)
      return Error{protocol::corrupt_message_error, "corrupt segment: " + step->reason};
    const BatchInfo& b = step->batch;
    if (b.header.last_offset() < log_start_ || b.header.max_timestamp < timestamp) continue;
    auto bytes = read_batch_bytes(segment.log_file(), b);
    if (!bytes) return bytes.error();
    if (auto r = protocol::decode_record_batch(*bytes, view, {}, static_cast<size_t>(b.position));
        !r)
      return Error{r.error().code, segment.log_file().path().string() + ": " + r.error().message};
    for (const protocol::RecordView& record : view.records()) {
      // LogAppendTime batches give every record the batch's maxTimestamp (RecordView does).
      if (record.offset >= log_start_ && record.timestamp >= timestamp)
        return Found(
            OffsetAndTimestamp{record.offset, record.timestamp, b.header.partition_leader_epoch});
    }
  }
}

Result<std::optional<OffsetAndTimestamp>> PartitionLogImpl::offset_for_timestamp(
    int64_t timestamp) {
  if (auto r = check_open(); !r) return r.error();
  // Kafka stops at the first segment whose largest timestamp reaches the target; going on
  // to later segments also covers a match that lies below the log start in that one.
  for (const auto& [base, segment] : segments_) {
    auto found = search_segment(*segment, timestamp);
    if (!found || *found) return found;
  }
  return std::optional<OffsetAndTimestamp>();
}

Result<std::optional<OffsetAndTimestamp>> PartitionLogImpl::max_timestamp_offset() {
  if (auto r = check_open(); !r) return r.error();
  if (log_start_ == log_end_offset()) return std::optional<OffsetAndTimestamp>();
  // The first segment holding the largest timestamp, then its first record with it.
  auto best = segments_.end();
  for (auto it = segments_.begin(); it != segments_.end(); ++it)
    if (best == segments_.end() ||
        it->second->state().max_timestamp > best->second->state().max_timestamp)
      best = it;
  const int64_t max_timestamp = best->second->state().max_timestamp;
  if (max_timestamp < 0) return std::optional<OffsetAndTimestamp>();
  for (auto it = best; it != segments_.end(); ++it) {
    auto found = search_segment(*it->second, max_timestamp);
    if (!found || *found) return found;
  }
  return std::optional<OffsetAndTimestamp>();
}

}  // namespace kafkit::broker
