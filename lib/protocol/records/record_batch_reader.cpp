#include "protocol/records/record_batch_reader.hpp"

#include <string>

#include "protocol/records/byte_order.hpp"
#include "protocol/records/legacy_message_set.hpp"

namespace kafkit::protocol {

namespace L = batch_layout;

namespace {

int32_t min_length_for(int8_t magic) noexcept {
  switch (magic) {
    case magic_v0:
      return legacy_layout::min_message_size_v0;
    case magic_v1:
      return legacy_layout::min_message_size_v1;
    default:
      return L::min_batch_length;
  }
}

}  // namespace

Result<ReadStatus> RecordsReader::next(RecordBatchView& batch) {
  if (framing_error_) return *framing_error_;
  size_t left = data_.size() - pos_;
  if (left == 0) return ReadStatus::end;
  if (left < L::log_overhead) return ReadStatus::incomplete_tail;

  // The same checks, in the same order, as Kafka's log input stream: the length is judged
  // against the smallest message of any format before the magic byte is known, then
  // against the minimum of its own format.
  const std::byte* p = data_.data() + pos_;
  auto length = detail::load_be<int32_t>(p + L::batch_length);
  auto framing = [&](const std::string& what) -> Error {
    framing_error_ = Error{corrupt_message_error,
                           "record batch at byte " + std::to_string(pos_) + " (base offset " +
                               std::to_string(detail::load_be<int64_t>(p)) + "): " + what};
    return *framing_error_;
  };
  if (length < legacy_layout::min_message_size_v0)
    return framing("batchLength " + std::to_string(length) + " is below the minimum " +
                   std::to_string(legacy_layout::min_message_size_v0));
  if (left < L::header_size_up_to_magic) return ReadStatus::incomplete_tail;
  auto magic = static_cast<int8_t>(p[L::magic]);
  if (magic < magic_v0 || magic > magic_v2)
    return framing("unknown magic " + std::to_string(magic) + " (expected 0, 1 or 2)");
  if (length < min_length_for(magic))
    return framing("batchLength " + std::to_string(length) + " is below the magic " +
                   std::to_string(magic) + " minimum " + std::to_string(min_length_for(magic)));
  size_t size = L::log_overhead + static_cast<size_t>(length);
  if (size > left) return ReadStatus::incomplete_tail;

  size_t at = pos_;
  pos_ += size;
  auto decoded = decode_record_batch(data_.subspan(at, size), batch, options_, at);
  if (!decoded.ok()) return decoded.error();
  return ReadStatus::batch;
}

}  // namespace kafkit::protocol
