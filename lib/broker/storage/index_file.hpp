#pragma once
// IndexFile: the file behind a sparse index (.index or .timeindex), a plain array of
// fixed-size big-endian entries. Entries are appended with pwrite at count * entry_size;
// the file is not preallocated (Kafka preallocates for its mmap and trims on close; with
// positioned writes there is nothing to trim, so a crash never leaves zero-filled entries).
// The in-memory copy of the entries lives in OffsetIndex / TimeIndex.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>

#include "broker/storage/file_handle.hpp"
#include "common/result.hpp"
#include "protocol/types.hpp"

namespace kafkit::broker {

class IndexFile {
 public:
  IndexFile() = default;
  /// Opens (creating) the file at `path` for entries of `entry_size` bytes.
  static Result<IndexFile> open(const std::filesystem::path& path, size_t entry_size);

  /// The whole file. An error if its size is not a multiple of the entry size (a torn
  /// entry), naming the file and size; the caller then rebuilds the index.
  Result<protocol::Bytes> read_all() const;
  /// Writes `entry` as entry number `index` (0-based; entries before it already exist).
  Result<void> write_entry(size_t index, std::span<const std::byte> entry);
  /// Keeps the first `count` entries.
  Result<void> truncate_entries(size_t count);
  /// Replaces the whole content with `entries` (concatenated encoded entries).
  Result<void> rewrite(std::span<const std::byte> entries);
  Result<void> sync() { return file_.sync(); }
  const std::filesystem::path& path() const noexcept { return file_.path(); }
  size_t entry_size() const noexcept { return entry_size_; }

 private:
  IndexFile(FileHandle file, size_t entry_size) noexcept
      : file_(std::move(file)), entry_size_(entry_size) {}

  FileHandle file_;
  size_t entry_size_ = 1;
};

}  // namespace kafkit::broker
