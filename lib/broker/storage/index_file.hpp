#pragma once
// IndexFile: the file behind a sparse index (.index or .timeindex), a plain array of
// fixed-size big-endian entries. Entries are appended with pwrite at count * entry_size;
// the file is not preallocated (Kafka preallocates for its mmap and trims on close; with
// positioned writes there is nothing to trim, so a crash never leaves zero-filled entries).
// The in-memory copy of the entries lives in OffsetIndex / TimeIndex.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

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

/// The entries of an index kept in memory and mirrored to its file: the offset and time
/// indexes differ only in their entry type and encoding, and share these steps.
/// `encode(entry)` returns the entry's fixed-size bytes.
template <class Entry, class Encode>
Result<void> append_mirrored(IndexFile& file, std::vector<Entry>& entries, const Entry& e,
                             Encode encode) {
  auto bytes = encode(e);
  if (auto r = file.write_entry(entries.size(), bytes); !r) return r;
  entries.push_back(e);
  return {};
}

/// Drops the first entry for which `dropped(entry)` holds and every entry after it.
template <class Entry, class Pred>
Result<void> truncate_mirrored(IndexFile& file, std::vector<Entry>& entries, Pred dropped) {
  auto it = std::find_if(entries.begin(), entries.end(), dropped);
  if (it == entries.end()) return {};
  auto keep = static_cast<size_t>(it - entries.begin());
  if (auto r = file.truncate_entries(keep); !r) return r;
  entries.resize(keep);
  return {};
}

/// Replaces all entries, in memory and in the file.
template <class Entry, class Encode>
Result<void> rewrite_mirrored(IndexFile& file, std::vector<Entry>& entries,
                              const std::vector<Entry>& with, Encode encode) {
  protocol::Bytes bytes;
  for (const auto& e : with) {
    auto b = encode(e);
    bytes.insert(bytes.end(), b.begin(), b.end());
  }
  entries.clear();
  if (auto r = file.rewrite(bytes); !r) return r;
  entries = with;
  return {};
}

}  // namespace kafkit::broker
