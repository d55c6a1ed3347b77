#pragma once
// IdempotenceState: the idempotent producer's identity and sequence numbers (KIP-98).
// Pure bookkeeping; the sender decides when to ask for a producer id or an epoch bump.
//
// Each partition's sequence starts at 0 for a (producer id, epoch) and grows by the record
// count of every batch, wrapping from INT32_MAX to 0 as the broker expects. A new epoch
// (KIP-360 bump) starts every partition at 0 again.
//
// Threading: I/O thread only.
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace kafkit::client {

class IdempotenceState {
 public:
  bool has_producer_id() const noexcept { return producer_id_ >= 0; }
  std::int64_t producer_id() const noexcept { return producer_id_; }
  std::int16_t producer_epoch() const noexcept { return epoch_; }

  /// A new identity or epoch: every partition starts at sequence 0.
  void set_producer(std::int64_t producer_id, std::int16_t epoch);
  /// The first sequence for a batch of `records` records, and advances past it.
  std::int32_t assign(const std::string& topic, std::int32_t partition, std::int32_t records);
  /// The sequence after a batch of `records` records starting at `first`.
  static std::int32_t sequence_after(std::int32_t first, std::int32_t records);
  /// `a` comes before `b` in the wrapping sequence space (they are less than 2^30 apart,
  /// as batches outstanding at once always are).
  static bool sequence_before(std::int32_t a, std::int32_t b);

  /// Asked for when a sequence gap cannot be closed by retrying (a sequenced batch failed
  /// for good or expired, or the broker lost the producer's state).
  void request_bump() noexcept { bump_needed_ = true; }
  bool bump_needed() const noexcept { return bump_needed_; }
  void bump_done() noexcept { bump_needed_ = false; }

 private:
  std::int64_t producer_id_ = -1;
  std::int16_t epoch_ = -1;
  bool bump_needed_ = false;
  std::map<std::pair<std::string, std::int32_t>, std::int32_t> next_;
};

}  // namespace kafkit::client
