#include "protocol/records/control_record.hpp"

#include <string>

#include "protocol/records/byte_order.hpp"
#include "protocol/records/record_batch_builder.hpp"

namespace kafkit::protocol {

using detail::load_be;
using detail::store_be;

Result<ControlRecordKey> parse_control_record_key(std::optional<ByteView> key) {
  if (!key) return Error{corrupt_message_error, "control record has a null key"};
  if (key->size() < control_record_key_size)
    return Error{corrupt_message_error,
                 "control record key has " + std::to_string(key->size()) + " bytes, needs 4"};
  ControlRecordKey k;
  k.version = load_be<int16_t>(key->data());
  if (k.version < 0)
    return Error{corrupt_message_error,
                 "control record key has negative version " + std::to_string(k.version)};
  k.type = static_cast<ControlRecordType>(load_be<int16_t>(key->data() + 2));
  return k;
}

Result<EndTxnMarker> parse_end_txn_marker(std::optional<ByteView> value) {
  if (!value) return Error{corrupt_message_error, "transaction marker has a null value"};
  if (value->size() < end_txn_marker_value_size)
    return Error{corrupt_message_error, "transaction marker value has " +
                                            std::to_string(value->size()) + " bytes, needs 6"};
  EndTxnMarker m;
  m.version = load_be<int16_t>(value->data());
  if (m.version < 0)
    return Error{corrupt_message_error,
                 "transaction marker has negative version " + std::to_string(m.version)};
  m.coordinator_epoch = load_be<int32_t>(value->data() + 2);
  return m;
}

Bytes encode_control_record_key(ControlRecordType type) {
  Bytes b(control_record_key_size);
  store_be<int16_t>(b.data(), 0);
  store_be(b.data() + 2, static_cast<int16_t>(type));
  return b;
}

Bytes encode_end_txn_marker(int32_t coordinator_epoch) {
  Bytes b(end_txn_marker_value_size);
  store_be<int16_t>(b.data(), 0);
  store_be(b.data() + 2, coordinator_epoch);
  return b;
}

Result<Bytes> build_end_txn_marker_batch(const EndTxnMarkerBatch& marker) {
  if (marker.type != ControlRecordType::abort && marker.type != ControlRecordType::commit)
    return Error{errc::invalid_argument,
                 "transaction marker type must be abort (0) or commit (1), got " +
                     std::to_string(static_cast<int16_t>(marker.type))};
  BatchOptions o;
  o.base_offset = marker.base_offset;
  o.partition_leader_epoch = marker.partition_leader_epoch;
  o.producer_id = marker.producer_id;
  o.producer_epoch = marker.producer_epoch;
  o.transactional = true;
  o.control = true;
  RecordBatchBuilder builder(o);
  Bytes key = encode_control_record_key(marker.type);
  Bytes value = encode_end_txn_marker(marker.coordinator_epoch);
  auto appended = builder.append(ByteView(key), ByteView(value), marker.timestamp);
  if (!appended.ok()) return appended.error();
  return builder.finish();
}

}  // namespace kafkit::protocol
