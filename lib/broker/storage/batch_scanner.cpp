#include "broker/storage/batch_scanner.hpp"

#include <algorithm>

#include "protocol/records/byte_order.hpp"

namespace kafkit::broker {

namespace L = protocol::batch_layout;

Result<void> BatchScanner::fill(int64_t pos, size_t len) {
  if (pos >= buf_start_ && pos + int64_t(len) <= buf_start_ + int64_t(buf_.size())) return {};
  auto want = static_cast<size_t>(std::min<int64_t>(end_ - pos, int64_t(buffer_size)));
  if (want < len) want = len;
  buf_.resize(want);
  auto n = file_->read_some(pos, buf_);
  if (!n) return n.error();
  buf_.resize(*n);
  buf_start_ = pos;
  if (*n < len)
    return Error{errc::io, file_->path().string() + ": file ends at byte " +
                               std::to_string(pos + int64_t(*n)) + ", expected at least " +
                               std::to_string(pos + int64_t(len))};
  return {};
}

Result<ScanStep> BatchScanner::next() {
  ScanStep step;
  int64_t left = end_ - pos_;
  if (left <= 0) return step;  // end
  auto where = [&] { return file_->path().string() + " at byte " + std::to_string(pos_) + ": "; };
  if (left < int64_t(L::log_overhead)) {
    step.status = ScanStatus::torn;
    step.reason = where() + std::to_string(left) + " trailing bytes, less than a batch header";
    return step;
  }
  size_t header_bytes = std::min<size_t>(static_cast<size_t>(left), L::header_size);
  if (auto r = fill(pos_, header_bytes); !r) return r.error();
  const std::byte* p = buf_.data() + (pos_ - buf_start_);
  auto length = protocol::detail::load_be<int32_t>(p + L::batch_length);
  if (length < L::min_batch_length) {
    step.status = ScanStatus::invalid;
    step.reason = where() + "batch length " + std::to_string(length) + " is below the minimum " +
                  std::to_string(L::min_batch_length);
    return step;
  }
  int64_t size = int64_t(L::log_overhead) + length;
  if (header_bytes >= L::header_size_up_to_magic) {
    auto magic = protocol::detail::load_be<int8_t>(p + L::magic);
    if (magic != protocol::magic_v2) {
      step.status = ScanStatus::invalid;
      step.reason = where() + "magic " + std::to_string(magic) + ", expected 2";
      return step;
    }
  }
  if (size > left) {
    step.status = ScanStatus::torn;
    step.reason = where() + "batch of " + std::to_string(size) + " bytes but only " +
                  std::to_string(left) + " bytes left in the file";
    return step;
  }
  auto header = protocol::parse_batch_header(protocol::ByteView(p, L::header_size));
  if (!header) {
    step.status = ScanStatus::invalid;
    step.reason = where() + header.error().message;
    return step;
  }
  if (header->last_offset_delta < 0 || header->record_count < 0) {
    step.status = ScanStatus::invalid;
    step.reason = where() + "last offset delta " + std::to_string(header->last_offset_delta) +
                  ", record count " + std::to_string(header->record_count);
    return step;
  }
  step.status = ScanStatus::batch;
  step.batch.position = pos_;
  step.batch.header = *header;
  pos_ += size;
  return step;
}

Result<protocol::Bytes> read_batch_bytes(const FileHandle& file, const BatchInfo& batch) {
  protocol::Bytes bytes(static_cast<size_t>(batch.size()));
  if (auto r = file.read_exact(batch.position, bytes); !r) return r.error();
  return bytes;
}

}  // namespace kafkit::broker
