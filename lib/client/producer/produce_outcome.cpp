#include "client/producer/produce_outcome.hpp"

#include "net/net_errors.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::client {
namespace {

using protocol::ErrorCode;

constexpr int code(ErrorCode c) {
  return static_cast<int>(c);
}

bool refreshes_metadata(int error) {
  switch (error) {
    case code(ErrorCode::NotLeaderOrFollower):
    case code(ErrorCode::LeaderNotAvailable):
    case code(ErrorCode::UnknownTopicOrPartition):
    case code(ErrorCode::FencedLeaderEpoch):
    case code(ErrorCode::UnknownLeaderEpoch):
    case code(ErrorCode::KafkaStorageError):
      return true;
    default:
      return error <= net::errc::connection_refused && error >= net::errc::queue_full;
  }
}

}  // namespace

ProduceAnswer produce_answer_for(const protocol::ProduceResponse& response, std::string_view topic,
                                 std::int32_t partition) {
  const protocol::ProduceResponse::PartitionProduceResponse* found = nullptr;
  for (const auto& t : response.responses) {
    if (t.name != topic) continue;
    for (const auto& p : t.partition_responses)
      if (p.index == partition) found = &p;
  }
  ProduceAnswer a;
  if (found == nullptr) {
    a.error_code = net::errc::protocol_error;
    a.message = "the Produce response does not mention the partition";
    a.transport_error = true;
    return a;
  }
  a.error_code = found->error_code;
  a.message = found->error_message.value_or("");
  a.base_offset = found->base_offset;
  a.log_append_time = found->log_append_time_ms;
  if (found->error_code != 0 && found->current_leader.leader_id >= 0) {
    a.new_leader = found->current_leader.leader_id;
    a.new_leader_epoch = found->current_leader.leader_epoch;
  }
  return a;
}

ProduceDecision decide_produce(int error_code, bool transport_error, bool idempotence,
                               bool behind_older) {
  ProduceDecision d;
  if (error_code == 0) {
    d.verdict = ProduceVerdict::delivered;
    return d;
  }
  if (error_code == code(ErrorCode::DuplicateSequenceNumber)) {
    // KIP-98: the broker already has this batch; it is delivered.
    d.verdict = ProduceVerdict::delivered;
    d.duplicate = true;
    return d;
  }
  d.refresh_metadata = refreshes_metadata(error_code) || transport_error;
  bool sequence_error = error_code == code(ErrorCode::OutOfOrderSequenceNumber) ||
                        error_code == code(ErrorCode::UnknownProducerId) ||
                        error_code == code(ErrorCode::InvalidProducerEpoch) ||
                        error_code == code(ErrorCode::ProducerFenced);
  if (idempotence && sequence_error) {
    // Out of order behind an older batch of ours that is not in the log yet: resend in
    // order. Any other sequence complaint means the broker's state and ours differ (a
    // resend would get the same answer forever); a new epoch restarts the sequences.
    d.verdict = ProduceVerdict::retry;
    d.bump_epoch = !(error_code == code(ErrorCode::OutOfOrderSequenceNumber) && behind_older);
    d.possibly_persisted = true;
    return d;
  }
  bool retriable = transport_error ? error_code != code(ErrorCode::UnsupportedVersion)
                                   : protocol::is_retriable(static_cast<std::int16_t>(error_code));
  if (retriable) {
    d.verdict = ProduceVerdict::retry;
    d.possibly_persisted = transport_error || error_code == code(ErrorCode::RequestTimedOut);
    return d;
  }
  d.verdict = ProduceVerdict::failed;
  return d;
}

}  // namespace kafkit::client
