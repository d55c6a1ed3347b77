#pragma once
// FileHandle: one open file descriptor of a partition log (a segment's .log, .index or
// .timeindex), with positioned reads and writes that either complete or fail with an
// error naming the file and the byte position. Positioned I/O (pread/pwrite) rather than
// mmap: a torn or truncated file then shows up as a short read we can report, never as a
// SIGBUS.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "common/result.hpp"

namespace kafkit::broker {

class FileHandle {
 public:
  FileHandle() = default;
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  FileHandle(FileHandle&& other) noexcept;
  FileHandle& operator=(FileHandle&& other) noexcept;
  ~FileHandle();

  /// Opens `path` read-write, creating it (mode 0644) when `create` is set.
  static Result<FileHandle> open(const std::filesystem::path& path, bool create);

  bool is_open() const noexcept { return fd_ >= 0; }
  /// The descriptor, for sendfile(2) of a FileSlice; owned by this object.
  int fd() const noexcept { return fd_; }
  const std::filesystem::path& path() const noexcept { return path_; }

  Result<int64_t> size() const;
  /// Last modification time, milliseconds since the epoch.
  Result<int64_t> modified_ms() const;
  /// Reads exactly out.size() bytes at `position`; running into the end of the file is an
  /// error (the caller checked the size first, so it means the file shrank under us).
  Result<void> read_exact(int64_t position, std::span<std::byte> out) const;
  /// Reads up to out.size() bytes at `position`; returns how many were read (short at EOF).
  Result<size_t> read_some(int64_t position, std::span<std::byte> out) const;
  /// Writes all of `data` at `position` (retrying short writes).
  Result<void> write_all(int64_t position, std::span<const std::byte> data);
  Result<void> truncate(int64_t size);
  /// fsync: data and metadata (the file size matters for recovery).
  Result<void> sync();
  void close() noexcept;

 private:
  FileHandle(int fd, std::filesystem::path path) noexcept : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;
  std::filesystem::path path_;
};

/// An I/O error naming the file, the operation and errno's text.
Error io_error(const std::filesystem::path& path, const std::string& what, int err);

/// fsyncs a directory so that file creations, renames and removals in it are durable.
Result<void> sync_directory(const std::filesystem::path& dir);

/// Removes `path` if it exists (ENOENT is success).
Result<void> remove_file(const std::filesystem::path& path);

}  // namespace kafkit::broker
