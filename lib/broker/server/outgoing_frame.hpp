#pragma once
// OutgoingFrame: one response frame as the session writes it — a list of parts, each
// either bytes the frame owns or a FileSlice of a segment file. Owned parts go out with
// send(), file parts with sendfile(2), so record batches read from disk reach the socket
// without being copied through user space (issue 4).
//
// A frame with file parts is built by encode_spliced() (request.hpp): the message is encoded with a
// FileSliceSplicer on the Writer, which leaves a gap (after the length prefix) for every
// records field it holds a slice for, and the frame's size prefix counts the slices' bytes.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "broker/storage/file_slice.hpp"
#include "common/result.hpp"
#include "protocol/records_splicer.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

/// Records fields (by address) whose bytes are file slices.
class FileSliceSplicer final : public protocol::RecordsSplicer {
 public:
  /// `field` must stay where it is until the message is encoded; its own value is ignored.
  void add(const std::optional<protocol::Bytes>& field, FileSlice slice);
  bool empty() const noexcept { return slices_.empty(); }
  std::optional<size_t> external_size(const std::optional<protocol::Bytes>& field) override;
  /// The slice registered for `field` (which must have been added).
  const FileSlice& slice_for(const std::optional<protocol::Bytes>* field) const;

 private:
  std::unordered_map<const std::optional<protocol::Bytes>*, FileSlice> slices_;
};

class OutgoingFrame {
 public:
  struct Part {
    size_t begin = 0;  // an owned part: bytes [begin, end) of bytes()
    size_t end = 0;
    FileSlice file;  // a file part when file.length > 0

    bool is_file() const noexcept { return file.length > 0; }
    size_t size() const noexcept { return is_file() ? file.length : end - begin; }
  };

  OutgoingFrame() = default;
  /// A frame of owned bytes only (every response but Fetch's from disk).
  explicit OutgoingFrame(protocol::Bytes bytes);
  /// `encoded` as a Writer with `splicer` produced it, gaps listed in `splices`.
  OutgoingFrame(protocol::Bytes encoded, std::span<const protocol::SplicePoint> splices,
                const FileSliceSplicer& splicer);

  const protocol::Bytes& bytes() const noexcept { return bytes_; }
  const std::vector<Part>& parts() const noexcept { return parts_; }
  /// Bytes on the wire, size prefix included.
  size_t size() const noexcept;
  bool has_files() const noexcept;
  /// Reads every file part into owned bytes (pread): for a connection that cannot take
  /// sendfile (TLS). Afterwards the frame is one owned part.
  Result<void> materialize();

 private:
  void add_owned(size_t begin, size_t end);

  protocol::Bytes bytes_;
  std::vector<Part> parts_;
};

}  // namespace kafkit::broker
