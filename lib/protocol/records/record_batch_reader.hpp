#pragma once
// RecordsReader: walks the batches of a RECORDS blob (a Fetch response partition, a
// Produce request partition, a log segment slice). v2 batches and legacy magic 0/1
// messages may be mixed; each comes out as one RecordBatchView.
//
// A blob may end in a partial batch: a broker fills a Fetch response up to the byte limit
// and cuts the last batch wherever that falls. That is reported as
// ReadStatus::incomplete_tail, not as an error, so a consumer simply stops there and
// fetches again from the next offset. (A Produce handler should treat it as corrupt: a
// producer always sends whole batches.)
#include <cstddef>
#include <optional>

#include "common/result.hpp"
#include "protocol/records/record_batch_view.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

enum class ReadStatus : uint8_t {
  batch,            // a batch was decoded into the caller's RecordBatchView
  end,              // no bytes left
  incomplete_tail,  // the remaining bytes are the beginning of a batch, not a whole one
};

class RecordsReader {
 public:
  /// Reads from `records`, which must outlive the reader and every batch it produces.
  explicit RecordsReader(ByteView records, ReadOptions options = {}) noexcept
      : data_(records), options_(options) {}

  /// Decodes the next batch into `batch` (reusing its buffer; views from its previous
  /// contents become invalid). Errors name the batch's byte position and base offset.
  /// After an error in a batch's content (CRC, codec, records) the reader has moved past
  /// that batch, so a caller may skip it and continue; an error in the framing itself
  /// (a length below the minimum, an unknown magic) leaves nothing to continue from and is
  /// returned again by every later call.
  Result<ReadStatus> next(RecordBatchView& batch);

  /// Where the next batch starts.
  size_t position() const noexcept { return pos_; }
  /// Bytes left from position(): after ReadStatus::incomplete_tail, the partial batch.
  size_t remaining() const noexcept { return data_.size() - pos_; }

 private:
  ByteView data_;
  ReadOptions options_;
  size_t pos_ = 0;
  std::optional<Error> framing_error_;
};

}  // namespace kafkit::protocol
