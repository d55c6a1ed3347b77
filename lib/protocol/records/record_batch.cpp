#include "protocol/records/record_batch.hpp"

#include <string>

#include "protocol/codec/crc32c.hpp"
#include "protocol/records/byte_order.hpp"

namespace kafkit::protocol {

using detail::load_be;
using detail::store_be;
namespace L = batch_layout;

int16_t make_batch_attributes(CompressionCodec codec, TimestampType timestamp_type,
                              bool transactional, bool control, bool has_delete_horizon) noexcept {
  auto a = static_cast<int16_t>(static_cast<int16_t>(codec) & batch_attr::codec_mask);
  if (timestamp_type == TimestampType::log_append_time) a |= batch_attr::log_append_time;
  if (transactional) a |= batch_attr::transactional;
  if (control) a |= batch_attr::control;
  if (has_delete_horizon) a |= batch_attr::has_delete_horizon;
  return a;
}

Result<RecordBatchHeader> parse_batch_header(ByteView batch) {
  if (batch.size() < L::header_size)
    return Error{corrupt_message_error, "record batch header needs " +
                                            std::to_string(L::header_size) + " bytes, got " +
                                            std::to_string(batch.size())};
  const std::byte* p = batch.data();
  RecordBatchHeader h;
  h.magic = load_be<int8_t>(p + L::magic);
  if (h.magic != magic_v2)
    return Error{corrupt_message_error,
                 "record batch has magic " + std::to_string(h.magic) + ", expected 2"};
  h.base_offset = load_be<int64_t>(p + L::base_offset);
  h.batch_length = load_be<int32_t>(p + L::batch_length);
  h.partition_leader_epoch = load_be<int32_t>(p + L::partition_leader_epoch);
  h.crc = load_be<uint32_t>(p + L::crc);
  h.attributes = load_be<int16_t>(p + L::attributes);
  h.last_offset_delta = load_be<int32_t>(p + L::last_offset_delta);
  h.base_timestamp = load_be<int64_t>(p + L::base_timestamp);
  h.max_timestamp = load_be<int64_t>(p + L::max_timestamp);
  h.producer_id = load_be<int64_t>(p + L::producer_id);
  h.producer_epoch = load_be<int16_t>(p + L::producer_epoch);
  h.base_sequence = load_be<int32_t>(p + L::base_sequence);
  h.record_count = load_be<int32_t>(p + L::record_count);
  return h;
}

void write_batch_header(const RecordBatchHeader& h, std::span<std::byte> out) noexcept {
  std::byte* p = out.data();
  store_be(p + L::base_offset, h.base_offset);
  store_be(p + L::batch_length, h.batch_length);
  store_be(p + L::partition_leader_epoch, h.partition_leader_epoch);
  store_be(p + L::magic, h.magic);
  store_be(p + L::crc, h.crc);
  store_be(p + L::attributes, h.attributes);
  store_be(p + L::last_offset_delta, h.last_offset_delta);
  store_be(p + L::base_timestamp, h.base_timestamp);
  store_be(p + L::max_timestamp, h.max_timestamp);
  store_be(p + L::producer_id, h.producer_id);
  store_be(p + L::producer_epoch, h.producer_epoch);
  store_be(p + L::base_sequence, h.base_sequence);
  store_be(p + L::record_count, h.record_count);
}

uint32_t compute_batch_crc(ByteView batch) noexcept {
  return crc32c(batch.subspan(L::attributes));
}

void set_base_offset(std::span<std::byte> batch, int64_t base_offset) noexcept {
  store_be(batch.data() + L::base_offset, base_offset);
}

void set_partition_leader_epoch(std::span<std::byte> batch, int32_t epoch) noexcept {
  store_be(batch.data() + L::partition_leader_epoch, epoch);
}

void set_producer_state(std::span<std::byte> batch, int64_t producer_id, int16_t producer_epoch,
                        int32_t base_sequence) noexcept {
  store_be(batch.data() + L::producer_id, producer_id);
  store_be(batch.data() + L::producer_epoch, producer_epoch);
  store_be(batch.data() + L::base_sequence, base_sequence);
  store_be(batch.data() + L::crc, compute_batch_crc(batch));
}

}  // namespace kafkit::protocol
