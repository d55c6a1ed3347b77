#pragma once
// RecordsSplicer: lets a caller keep the bytes of a message's `records` fields out of the
// encoded buffer. A broker answering Fetch from disk hands the record batches to the
// socket straight from the segment file (sendfile), so the encoder must write everything
// around them — including their length prefixes — but not the records themselves.
//
// Installed on a Writer (Writer::set_splicer); consulted only by Writer::records, i.e. for
// fields of schema type "records". Without a splicer a records field is encoded exactly as
// a nullable bytes field.
#include <cstddef>
#include <optional>

#include "protocol/types.hpp"

namespace kafkit::protocol {

class RecordsSplicer {
 public:
  /// The number of bytes that stand for `field` (recognised by its address) and live
  /// elsewhere, or nullopt to encode the field's own value as usual. When a size is
  /// returned the field's own value is ignored (callers leave it empty).
  virtual std::optional<size_t> external_size(const std::optional<Bytes>& field) = 0;

 protected:
  ~RecordsSplicer() = default;
};

/// Where the Writer left a gap: the external bytes of `field` (`size` of them) belong at
/// byte `offset` of the Writer's buffer, right after the length prefix it wrote.
struct SplicePoint {
  size_t offset = 0;
  size_t size = 0;
  const std::optional<Bytes>* field = nullptr;
};

}  // namespace kafkit::protocol
