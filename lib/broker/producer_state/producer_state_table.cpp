#include "broker/producer_state/producer_state_table.hpp"

#include <limits>

namespace kafkit::broker {
namespace {

constexpr int32_t kMaxSeq = std::numeric_limits<int32_t>::max();

// KIP-98: after INT32_MAX the sequence continues at 0.
bool in_sequence(int32_t last_seq, int32_t next_seq) {
  return int64_t{next_seq} == int64_t{last_seq} + 1 || (next_seq == 0 && last_seq == kMaxSeq);
}

}  // namespace

int32_t ProducerStateTable::last_sequence(int32_t base_sequence,
                                          int32_t last_offset_delta) noexcept {
  int64_t last = int64_t{base_sequence} + int64_t{last_offset_delta};
  if (last > kMaxSeq) last -= int64_t{kMaxSeq} + 1;
  return static_cast<int32_t>(last);
}

SequenceVerdict ProducerStateTable::check(const protocol::RecordBatchHeader& b) const {
  SequenceVerdict v;
  auto fail = [&v](ErrorCode e, std::string m) {
    v.error = e;
    v.message = std::move(m);
    return v;
  };
  const std::string who = "producer " + std::to_string(b.producer_id);
  // Kafka's LogValidator: an idempotent batch must carry a sequence.
  if (b.base_sequence < 0)
    return fail(ErrorCode::InvalidRecord,
                "Invalid sequence number " + std::to_string(b.base_sequence) +
                    " in record batch with producerId " + std::to_string(b.producer_id));
  const ProducerEntry* e = find(b.producer_id);
  // No state (never seen, or expired): any sequence is accepted. Kafka 2.5+ (KIP-360) does
  // this instead of the older UNKNOWN_PRODUCER_ID, because the state can legitimately be
  // gone (expiry) while the producer is still healthy.
  if (e == nullptr || e->epoch < 0) return v;
  const int32_t last = last_sequence(b.base_sequence, b.last_offset_delta);
  if (b.producer_epoch == e->epoch) {
    for (const ProducerBatch& cached : e->batches)
      if (cached.first_seq == b.base_sequence && cached.last_seq == last) {
        v.duplicate = cached;
        return v;
      }
  }
  // Since Kafka 2.7 a stale epoch on Produce is INVALID_PRODUCER_EPOCH (abortable), no
  // longer PRODUCER_FENCED (protocol-facts §7.1).
  if (b.producer_epoch < e->epoch)
    return fail(ErrorCode::InvalidProducerEpoch,
                who + " epoch " + std::to_string(b.producer_epoch) + " is older than the current " +
                    std::to_string(e->epoch));
  if (b.producer_epoch > e->epoch) {
    if (b.base_sequence != 0)
      return fail(ErrorCode::OutOfOrderSequenceNumber,
                  "Invalid sequence number for new epoch of " + who + ": " +
                      std::to_string(b.producer_epoch) + " (request epoch), " +
                      std::to_string(b.base_sequence) + " (seq. number), " +
                      std::to_string(e->epoch) + " (current producer epoch)");
    return v;
  }
  // Same epoch: the batch must continue the last one. Older duplicates (beyond the 5
  // cached) land here too: Kafka 3.x answers them OUT_OF_ORDER_SEQUENCE_NUMBER as well
  // (DUPLICATE_SEQUENCE_NUMBER is what pre-1.0 brokers and librdkafka's mock say).
  int32_t current_last = e->batches.empty() ? -1 : e->batches.back().last_seq;
  if (!in_sequence(current_last, b.base_sequence))
    return fail(ErrorCode::OutOfOrderSequenceNumber,
                "Out of order sequence number for " + who + ": " + std::to_string(b.base_sequence) +
                    " (incoming seq. number), " + std::to_string(current_last) +
                    " (current end sequence number)");
  return v;
}

void ProducerStateTable::record(const protocol::RecordBatchHeader& b, int64_t first_offset,
                                int64_t last_offset, int64_t timestamp) {
  ProducerEntry& e = entries_[b.producer_id];
  if (e.epoch != b.producer_epoch) {
    // A new epoch starts a new sequence space: the old batches can never match again.
    e.epoch = b.producer_epoch;
    e.batches.clear();
  }
  e.batches.push_back({b.base_sequence, last_sequence(b.base_sequence, b.last_offset_delta),
                       first_offset, last_offset, timestamp});
  while (e.batches.size() > kBatchesKept) e.batches.pop_front();
  if (timestamp > e.last_timestamp) e.last_timestamp = timestamp;
  dirty_ = true;
}

size_t ProducerStateTable::expire(int64_t now_ms, int64_t expiration_ms) {
  // Written so that no client-chosen timestamp can overflow the subtraction.
  const int64_t horizon = now_ms - expiration_ms;
  size_t n = std::erase_if(
      entries_, [horizon](const auto& kv) { return kv.second.last_timestamp <= horizon; });
  if (n != 0) dirty_ = true;
  return n;
}

const ProducerEntry* ProducerStateTable::find(int64_t producer_id) const {
  auto it = entries_.find(producer_id);
  return it == entries_.end() ? nullptr : &it->second;
}

void ProducerStateTable::put(int64_t producer_id, ProducerEntry entry) {
  entries_[producer_id] = std::move(entry);
  dirty_ = true;
}

}  // namespace kafkit::broker
