#include "broker/storage/index_file.hpp"

#include <string>

namespace kafkit::broker {

Result<IndexFile> IndexFile::open(const std::filesystem::path& path, size_t entry_size) {
  auto file = FileHandle::open(path, true);
  if (!file) return file.error();
  return IndexFile(std::move(*file), entry_size);
}

Result<protocol::Bytes> IndexFile::read_all() const {
  auto size = file_.size();
  if (!size) return size.error();
  if (*size % static_cast<int64_t>(entry_size_) != 0)
    return Error{errc::malformed, path().string() + ": size " + std::to_string(*size) +
                                      " is not a multiple of the entry size " +
                                      std::to_string(entry_size_) + " (torn entry at byte " +
                                      std::to_string(*size - *size % int64_t(entry_size_)) + ")"};
  protocol::Bytes bytes(static_cast<size_t>(*size));
  if (auto r = file_.read_exact(0, bytes); !r) return r.error();
  return bytes;
}

Result<void> IndexFile::write_entry(size_t index, std::span<const std::byte> entry) {
  return file_.write_all(static_cast<int64_t>(index * entry_size_), entry);
}

Result<void> IndexFile::truncate_entries(size_t count) {
  return file_.truncate(static_cast<int64_t>(count * entry_size_));
}

Result<void> IndexFile::rewrite(std::span<const std::byte> entries) {
  if (auto r = file_.truncate(0); !r) return r;
  return file_.write_all(0, entries);
}

}  // namespace kafkit::broker
