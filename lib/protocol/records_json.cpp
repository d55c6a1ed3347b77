#include "protocol/records_json.hpp"

#include "protocol/records/control_record.hpp"
#include "protocol/records/record_batch_reader.hpp"
#include "protocol/records/record_batch_view.hpp"

namespace kafkit::protocol {

namespace {

// Printable: valid UTF-8 without control characters other than tab and newlines, so the
// JSON string shows exactly the bytes.
bool printable_text(std::string_view s) {
  if (!valid_utf8(s)) return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return false;
  return true;
}

std::string_view timestamp_type_name(TimestampType t) {
  switch (t) {
    case TimestampType::none:
      return "none";
    case TimestampType::create_time:
      return "CreateTime";
    case TimestampType::log_append_time:
      return "LogAppendTime";
  }
  return "unknown";
}

void optional_bytes(JsonWriter& j, const std::optional<ByteView>& b) {
  if (b)
    bytes_to_json(j, *b);
  else
    j.null();
}

void batch_to_json(JsonWriter& j, const RecordBatchView& batch) {
  const RecordBatchHeader& h = batch.header();
  j.begin_object();
  j.key("position").value(uint64_t(batch.position()));
  j.key("baseOffset").value(h.base_offset);
  j.key("magic").value(h.magic);
  j.key("codec").value(codec_name(h.codec()));
  j.key("timestampType").value(timestamp_type_name(h.timestamp_type()));
  if (!batch.is_legacy()) {
    j.key("partitionLeaderEpoch").value(h.partition_leader_epoch);
    j.key("crc").value(h.crc);
    j.key("attributes").value(h.attributes);
    j.key("lastOffsetDelta").value(h.last_offset_delta);
    j.key("baseTimestamp").value(h.base_timestamp);
    j.key("maxTimestamp").value(h.max_timestamp);
    j.key("producerId").value(h.producer_id);
    j.key("producerEpoch").value(h.producer_epoch);
    j.key("baseSequence").value(h.base_sequence);
    j.key("isTransactional").value(h.is_transactional());
    j.key("isControl").value(h.is_control());
  }
  j.key("recordCount").value(h.record_count);
  j.key("records").begin_array();
  for (const RecordView& r : batch.records()) {
    j.begin_object();
    j.key("offset").value(r.offset).key("timestamp").value(r.timestamp);
    if (h.is_control()) {
      // A control record's key and value are markers, not application data.
      auto key = parse_control_record_key(r.key);
      if (key.ok()) {
        j.key("controlType").value(int16_t(key->type));
        auto marker = parse_end_txn_marker(r.value);
        if ((key->type == ControlRecordType::abort || key->type == ControlRecordType::commit) &&
            marker.ok())
          j.key("coordinatorEpoch").value(marker->coordinator_epoch);
      }
    }
    j.key("key");
    optional_bytes(j, r.key);
    j.key("value");
    optional_bytes(j, r.value);
    j.key("headers").begin_array();
    for (const RecordHeader& hd : r.headers) {
      j.begin_object().key("key").value(hd.key).key("value");
      optional_bytes(j, hd.value);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.end_object();
}

}  // namespace

void bytes_to_json(JsonWriter& j, ByteView b) {
  std::string_view s = as_chars(b);
  if (printable_text(s)) {
    j.value(s);
  } else {
    j.begin_object().key("base64").base64(b).end_object();
  }
}

void records_to_json(JsonWriter& j, ByteView records) {
  j.begin_object();
  j.key("batches").begin_array();
  RecordsReader reader(records);
  RecordBatchView batch;
  std::optional<Error> error;
  size_t tail = 0;
  for (;;) {
    size_t at = reader.position();
    auto st = reader.next(batch);
    if (!st.ok()) {
      error = st.error();
      j.begin_object().key("error").value(st.error().message);
      j.key("position").value(uint64_t(at)).key("base64").base64(records.subspan(at));
      j.end_object();
      break;
    }
    if (*st == ReadStatus::end) break;
    if (*st == ReadStatus::incomplete_tail) {
      tail = reader.remaining();
      break;
    }
    batch_to_json(j, batch);
  }
  j.end_array();
  if (tail > 0) j.key("incomplete_tail").value(uint64_t(tail));
  j.end_object();
}

}  // namespace kafkit::protocol
