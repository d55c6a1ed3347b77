#include "broker/handlers/produce_validation.hpp"

#include "protocol/records/record_batch.hpp"

namespace kafkit::broker {

RecordsCheck validate_produce_records(protocol::ByteView records, int32_t max_message_bytes) {
  namespace layout = protocol::batch_layout;
  auto fail = [](ErrorCode e, std::string m) { return RecordsCheck{e, std::move(m), 0}; };
  const char* one_batch =
      "Produce requests with version 3 and above are only allowed to contain exactly one "
      "record batch";
  if (records.size() < layout::header_size_up_to_magic)
    return fail(ErrorCode::InvalidRecord, one_batch);
  if (static_cast<int8_t>(records[layout::magic]) != protocol::magic_v2)
    return fail(ErrorCode::InvalidRecord,
                "Produce requests with version 3 and above are only allowed to contain record "
                "batches with magic version 2");
  auto header = protocol::parse_batch_header(records);
  if (!header) return fail(ErrorCode::CorruptMessage, "record batch shorter than its header");
  const protocol::RecordBatchHeader& h = *header;
  if (h.batch_length < layout::min_batch_length)
    return fail(ErrorCode::CorruptMessage,
                "record batch length " + std::to_string(h.batch_length) + " is below the minimum");
  if (h.size_in_bytes() > records.size())
    return fail(ErrorCode::CorruptMessage, "record batch of " + std::to_string(h.size_in_bytes()) +
                                               " bytes is cut off after " +
                                               std::to_string(records.size()) + " bytes");
  if (h.size_in_bytes() < records.size()) return fail(ErrorCode::InvalidRecord, one_batch);
  if (records.size() > static_cast<size_t>(max_message_bytes))
    return fail(ErrorCode::MessageTooLarge,
                "The record batch size " + std::to_string(records.size()) +
                    " in the request exceeds the maximum configured value of " +
                    std::to_string(max_message_bytes) + ".");
  uint32_t crc = protocol::compute_batch_crc(records);
  if (crc != h.crc)
    return fail(ErrorCode::CorruptMessage,
                "Record batch is corrupt (stored crc = " + std::to_string(h.crc) +
                    ", computed crc = " + std::to_string(crc) + ")");
  if (h.is_control())
    return fail(ErrorCode::InvalidRecord, "Clients are not allowed to write control records");
  if (h.record_count <= 0)
    return fail(ErrorCode::InvalidRecord,
                "Invalid reported count for record batch: " + std::to_string(h.record_count));
  if (int64_t{h.last_offset_delta} + 1 != h.record_count)
    return fail(ErrorCode::InvalidRecord, "Inconsistent batch offset range (last offset delta " +
                                              std::to_string(h.last_offset_delta) +
                                              ") and count of records " +
                                              std::to_string(h.record_count));
  if (static_cast<int>(h.codec()) > 4)
    return fail(ErrorCode::CorruptMessage,
                "unknown compression codec " + std::to_string(static_cast<int>(h.codec())));
  return RecordsCheck{ErrorCode::None, {}, h.record_count};
}

}  // namespace kafkit::broker
