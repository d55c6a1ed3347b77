#pragma once
// What a Produce answer means for one batch, as pure functions the Sender applies (and that
// tests/fuzz/client feeds hostile responses directly): which partition entry answers the
// batch, and whether the batch is delivered, retried or failed for good.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/messages/produce.hpp"

namespace kafkit::client {

/// One batch's answer: its partition's entry of the response, or a protocol error when the
/// response does not mention the partition.
struct ProduceAnswer {
  int error_code = 0;
  std::string message;
  std::int64_t base_offset = -1;
  std::int64_t log_append_time = -1;
  /// No entry for the partition: handled as a transport error (the batch may be written).
  bool transport_error = false;
  /// KIP-951: the old leader names the new one (leader id >= 0) with an error.
  std::int32_t new_leader = -1;
  std::int32_t new_leader_epoch = -1;
};

/// The entry of `response` for `topic` / `partition` (the last one when a hostile broker
/// lists it twice).
ProduceAnswer produce_answer_for(const protocol::ProduceResponse& response, std::string_view topic,
                                 std::int32_t partition);

enum class ProduceVerdict : std::uint8_t {
  delivered,  ///< complete with the answer's offset (or -1 for a duplicate)
  retry,      ///< back into the partition queue, unless retries or time ran out
  failed,     ///< refused for good
};

struct ProduceDecision {
  ProduceVerdict verdict = ProduceVerdict::failed;
  /// DUPLICATE_SEQUENCE_NUMBER: delivered earlier; the offset is unknown.
  bool duplicate = false;
  /// Forget the leader (unless a KIP-951 hint moved it) and ask for metadata.
  bool refresh_metadata = false;
  /// A sequence error: the producer epoch is bumped (KIP-360) before the retry.
  bool bump_epoch = false;
  /// For a retry: the failed attempt may have been written.
  bool possibly_persisted = false;
};

/// The Sender's rules for an answer (see Sender::handle_partition). `behind_older`: an
/// older batch of the partition waits to be resent, which explains an out-of-order answer.
ProduceDecision decide_produce(int error_code, bool transport_error, bool idempotence,
                               bool behind_older);

}  // namespace kafkit::client
