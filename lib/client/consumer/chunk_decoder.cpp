#include "client/consumer/chunk_decoder.hpp"

#include <algorithm>
#include <limits>

#include "protocol/records/batch_decoder.hpp"
#include "protocol/records/byte_order.hpp"
#include "protocol/records/control_record.hpp"
#include "protocol/records/record_batch.hpp"

namespace kafkit::client {

std::optional<BatchExtent> batch_extent(protocol::ByteView records, std::size_t pos) noexcept {
  namespace layout = protocol::batch_layout;
  using protocol::detail::load_be;
  if (records.size() - pos < layout::header_size_up_to_magic) return std::nullopt;
  const std::byte* p = records.data() + pos;
  auto base = load_be<std::int64_t>(p + layout::base_offset);
  auto length = load_be<std::int32_t>(p + layout::batch_length);
  if (length < 0) return std::nullopt;
  std::size_t size = layout::log_overhead + static_cast<std::size_t>(length);
  if (records.size() - pos < size) return std::nullopt;
  auto magic = static_cast<std::int8_t>(p[layout::magic]);
  if (magic == protocol::magic_v2) {
    if (size < layout::header_size) return std::nullopt;
    auto delta = load_be<std::int32_t>(p + layout::last_offset_delta);
    return BatchExtent{size, protocol::detail::wrapping_add(base, std::int64_t{delta} + 1)};
  }
  // Legacy: a compressed wrapper carries the offset of its last inner message.
  return BatchExtent{size, protocol::detail::wrapping_add(base, 1)};
}

std::optional<std::int64_t> next_fetch_offset(protocol::ByteView records) noexcept {
  // The highest end, not the last batch's: a broker that returns batches out of order must
  // not make the fetcher go back before records already handed out (found by
  // client-responses-fuzzer).
  std::optional<std::int64_t> next;
  std::size_t pos = 0;
  while (auto e = batch_extent(records, pos)) {
    if (!next || e->next_offset > *next) next = e->next_offset;
    pos += e->size;
  }
  return next;
}

std::shared_ptr<FetchedChunk> make_fetched_chunk(std::string topic, std::int32_t partition,
                                                 std::int64_t fetch_offset, bool read_committed,
                                                 protocol::FetchResponse::PartitionData& data) {
  protocol::Bytes records = data.records ? std::move(*data.records) : protocol::Bytes{};
  auto next = next_fetch_offset(records);
  if (!next || *next <= fetch_offset) return nullptr;
  auto chunk = std::make_shared<FetchedChunk>();
  chunk->topic = std::move(topic);
  chunk->partition = partition;
  chunk->fetch_offset = fetch_offset;
  chunk->read_committed = read_committed;
  if (data.aborted_transactions)
    for (const auto& a : *data.aborted_transactions)
      chunk->aborted.push_back({a.producer_id, a.first_offset});
  std::sort(
      chunk->aborted.begin(), chunk->aborted.end(),
      [](const AbortedTxn& a, const AbortedTxn& b) { return a.first_offset < b.first_offset; });
  chunk->high_watermark = data.high_watermark;
  chunk->last_stable_offset = data.last_stable_offset;
  chunk->log_start_offset = data.log_start_offset;
  chunk->next_fetch_offset = *next;
  chunk->budget_bytes = records.size();
  chunk->records = std::move(records);
  return chunk;
}

namespace {

struct BatchStorage {
  std::shared_ptr<const FetchedChunk> chunk;
  protocol::RecordBatchView view;
  std::vector<Header> headers;
};

std::string_view chars(protocol::ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

std::string where(const FetchedChunk& c) {
  return c.topic + " [" + std::to_string(c.partition) + "]";
}

}  // namespace

ChunkDecoder::ChunkDecoder(std::shared_ptr<const FetchedChunk> chunk, bool verify_crc)
    : chunk_(std::move(chunk)),
      reader_(chunk_->records, protocol::ReadOptions{.verify_crc = verify_crc}),
      next_offset_(chunk_->fetch_offset) {}

bool ChunkDecoder::skip_for_transaction(const protocol::RecordBatchHeader& h) {
  if (!chunk_->read_committed) return h.is_control();
  // Aborted transactions that started at or before this batch are now open.
  const auto& aborted = chunk_->aborted;
  while (next_aborted_ < aborted.size() && aborted[next_aborted_].first_offset <= h.last_offset())
    aborted_pids_.insert(aborted[next_aborted_++].producer_id);
  if (h.is_control()) return true;
  return h.is_transactional() && aborted_pids_.count(h.producer_id) != 0;
}

bool ChunkDecoder::load_batch(std::vector<Error>& errors) {
  pending_.clear();
  next_record_ = 0;
  while (!done_) {
    auto storage = std::make_shared<BatchStorage>();
    storage->chunk = chunk_;
    auto extent = batch_extent(chunk_->records, reader_.position());
    auto status = reader_.next(storage->view);
    if (!status.ok()) {
      errors.push_back(Error{status.error().code, "fetched data of " + where(*chunk_) +
                                                      " is corrupt: " + status.error().message});
      // The chunk ends here, before the corrupt batch: the bytes may have been damaged on
      // the way (the log itself is checked on append), so the consumer fetches from this
      // offset again rather than pass over records it never saw. Skipping the batch lost
      // them for good whenever the damage was in transit (found by kafkit-fuzz proxy).
      corrupt_ = true;
      done_ = true;
      return false;
    }
    if (*status != protocol::ReadStatus::batch) {
      done_ = true;
      return false;
    }
    const protocol::RecordBatchHeader& h = storage->view.header();
    std::int64_t end = h.magic == protocol::magic_v2 ? h.next_offset() : -1;
    if (h.magic == protocol::magic_v2 && skip_for_transaction(h)) {
      if (h.is_control() && chunk_->read_committed) {
        // The ABORT marker closes the producer's aborted transaction.
        for (const protocol::RecordView& r : storage->view.records()) {
          auto key = protocol::parse_control_record_key(r.key);
          if (key.ok() && key->type == protocol::ControlRecordType::abort)
            aborted_pids_.erase(h.producer_id);
        }
      }
      if (end > next_offset_) next_offset_ = end;
      continue;
    }
    // Headers first, all of them, so the spans taken below stay valid.
    std::size_t total_headers = 0;
    for (const protocol::RecordView& r : storage->view.records()) total_headers += r.headers.size();
    storage->headers.reserve(total_headers);
    auto type = h.timestamp_type() == protocol::TimestampType::log_append_time
                    ? TimestampType::log_append_time
                    : TimestampType::create_time;
    std::optional<std::int32_t> epoch;
    if (h.magic == protocol::magic_v2 && h.partition_leader_epoch >= 0)
      epoch = h.partition_leader_epoch;
    std::shared_ptr<const void> keep = storage;
    // A record past its batch's last offset (an offset delta beyond lastOffsetDelta, an
    // inner message after its wrapper's offset) or not above the record before it is
    // corrupt: handed out, it would be delivered twice or move the position past what the
    // fetcher asks for next (found by client-responses-fuzzer).
    std::int64_t limit = extent ? extent->next_offset : std::numeric_limits<std::int64_t>::max();
    std::int64_t floor = std::max(chunk_->fetch_offset, next_offset_);
    bool corrupt = false;
    for (const protocol::RecordView& r : storage->view.records()) {
      if (r.offset < floor) {
        corrupt = corrupt || !pending_.empty();  // behind the batch's previous record
        continue;
      }
      if (r.offset >= limit) {
        corrupt = true;
        continue;
      }
      floor = r.offset + 1;  // below limit, so no overflow
      std::size_t first = storage->headers.size();
      for (const protocol::RecordHeader& hd : r.headers) {
        Header out{hd.key, std::nullopt};
        if (hd.value) out.value = chars(*hd.value);
        storage->headers.push_back(out);
      }
      ConsumerRecord rec;
      rec.topic = storage->chunk->topic;
      rec.partition = chunk_->partition;
      rec.offset = r.offset;
      rec.timestamp = r.timestamp;
      rec.timestamp_type = type;
      if (r.key) rec.key = chars(*r.key);
      if (r.value) rec.value = chars(*r.value);
      rec.headers =
          std::span<const Header>(storage->headers.data() + first, storage->headers.size() - first);
      rec.leader_epoch = epoch;
      rec.storage = keep;
      pending_.push_back(std::move(rec));
    }
    if (corrupt)
      errors.push_back(Error{errc::malformed, "fetched data of " + where(*chunk_) +
                                                  " is corrupt: records out of offset order or "
                                                  "past the batch's last offset were dropped"});
    if (end < 0 && !pending_.empty())
      end = protocol::detail::wrapping_add(pending_.back().offset, 1);
    batch_end_ = end;
    if (pending_.empty()) {
      if (end > next_offset_) next_offset_ = end;
      continue;
    }
    return true;
  }
  return false;
}

std::size_t ChunkDecoder::decode(std::size_t max, std::vector<ConsumerRecord>& out,
                                 std::vector<Error>& errors) {
  std::size_t n = 0;
  while (n < max) {
    if (next_record_ == pending_.size()) {
      if (!pending_.empty() && batch_end_ > next_offset_) next_offset_ = batch_end_;
      pending_.clear();
      next_record_ = 0;
      if (!load_batch(errors)) break;
    }
    ConsumerRecord& r = pending_[next_record_++];
    next_offset_ = protocol::detail::wrapping_add(r.offset, 1);  // hostile offsets wrap, no UB
    out.push_back(std::move(r));
    ++n;
  }
  if (next_record_ == pending_.size() && !pending_.empty()) {
    // The batch was handed out whole: its position moves past any offsets compaction
    // removed from its end.
    if (batch_end_ > next_offset_) next_offset_ = batch_end_;
    pending_.clear();
    next_record_ = 0;
  }
  return n;
}

}  // namespace kafkit::client
