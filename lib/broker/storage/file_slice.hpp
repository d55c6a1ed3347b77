#pragma once
// FileSlice: a byte range of a segment's .log file that a fetch response sends straight
// from the file (sendfile) instead of copying it through user space.
//
// The slice shares ownership of the open file: retention or DeleteRecords may unlink and
// drop the segment while the response is still queued behind a slow client, and the data
// stays readable through the descriptor until the last slice is gone (POSIX unlink
// semantics). Segments only ever grow at their tail or are deleted whole; the bytes of a
// slice (committed batches) are never rewritten in place.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "broker/storage/file_handle.hpp"

namespace kafkit::broker {

struct FileSlice {
  std::shared_ptr<const FileHandle> file;  // null only for an empty slice
  int64_t position = 0;
  size_t length = 0;

  bool empty() const noexcept { return length == 0; }
};

}  // namespace kafkit::broker
