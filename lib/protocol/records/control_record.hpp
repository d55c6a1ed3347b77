#pragma once
// Control records (KIP-98): the single record of a control batch (attributes bit 5, plus
// bit 4 for transaction markers). The key says what kind of marker it is; for ABORT and
// COMMIT the value carries the transaction coordinator's epoch. Consumers never surface
// control records but must advance their position past them.
//
//   key   = INT16 version (0) | INT16 type
//   value = INT16 version (0) | INT32 coordinatorEpoch        (ABORT / COMMIT)
#include <cstdint>
#include <optional>

#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

/// Values are the wire type ids; others (from newer brokers) are kept as they are.
enum class ControlRecordType : int16_t {
  abort = 0,
  commit = 1,
  leader_change = 2,  // the rest are KRaft-internal
  snapshot_header = 3,
  snapshot_footer = 4,
  kraft_version = 5,
  kraft_voters = 6,
};

struct ControlRecordKey {
  int16_t version = 0;
  ControlRecordType type = ControlRecordType::abort;
  bool operator==(const ControlRecordKey&) const = default;
};

/// The value of an ABORT or COMMIT marker.
struct EndTxnMarker {
  int16_t version = 0;
  int32_t coordinator_epoch = 0;
  bool operator==(const EndTxnMarker&) const = default;
};

inline constexpr size_t control_record_key_size = 4;
inline constexpr size_t end_txn_marker_value_size = 6;

/// Parses a control record's key. Like Kafka, a newer version is read as version 0 (its
/// first four bytes); a null or short key or a negative version is corrupt.
Result<ControlRecordKey> parse_control_record_key(std::optional<ByteView> key);
/// Parses an ABORT/COMMIT marker's value, with the same forward-compatibility rule.
Result<EndTxnMarker> parse_end_txn_marker(std::optional<ByteView> value);

/// The 4 key bytes, and the 6 value bytes, as Kafka writes them (version 0).
Bytes encode_control_record_key(ControlRecordType type);
Bytes encode_end_txn_marker(int32_t coordinator_epoch);

/// What a transaction coordinator asks a partition leader to append (WriteTxnMarkers).
struct EndTxnMarkerBatch {
  ControlRecordType type = ControlRecordType::commit;  // abort or commit
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t coordinator_epoch = 0;
  int64_t base_offset = 0;
  int32_t partition_leader_epoch = -1;
  int64_t timestamp = -1;
};

/// A control batch with the one marker record: transactional and control bits set, the
/// transaction's producer id and epoch, baseSequence -1, uncompressed. Fails only for a
/// type other than abort/commit.
Result<Bytes> build_end_txn_marker_batch(const EndTxnMarkerBatch& marker);

}  // namespace kafkit::protocol
