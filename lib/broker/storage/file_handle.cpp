#include "broker/storage/file_handle.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace kafkit::broker {

Error io_error(const std::filesystem::path& path, const std::string& what, int err) {
  return Error{errc::io, path.string() + ": " + what + " failed: " + std::strerror(err)};
}

FileHandle::FileHandle(FileHandle&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

FileHandle::~FileHandle() {
  close();
}

void FileHandle::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<FileHandle> FileHandle::open(const std::filesystem::path& path, bool create) {
  int flags = O_RDWR | O_CLOEXEC;
  if (create) flags |= O_CREAT;
  int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return io_error(path, "open", errno);
  return FileHandle(fd, path);
}

Result<int64_t> FileHandle::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return io_error(path_, "fstat", errno);
  return static_cast<int64_t>(st.st_size);
}

Result<int64_t> FileHandle::modified_ms() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return io_error(path_, "fstat", errno);
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

Result<size_t> FileHandle::read_some(int64_t position, std::span<std::byte> out) const {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd_, out.data() + done, out.size() - done,
                        static_cast<off_t>(position + static_cast<int64_t>(done)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(path_, "pread at byte " + std::to_string(position + int64_t(done)), errno);
    }
    if (n == 0) break;  // end of file
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<void> FileHandle::read_exact(int64_t position, std::span<std::byte> out) const {
  auto n = read_some(position, out);
  if (!n) return n.error();
  if (*n != out.size())
    return Error{errc::io, path_.string() + ": expected " + std::to_string(out.size()) +
                               " bytes at byte " + std::to_string(position) + ", file ends after " +
                               std::to_string(*n)};
  return {};
}

Result<void> FileHandle::write_all(int64_t position, std::span<const std::byte> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done,
                         static_cast<off_t>(position + static_cast<int64_t>(done)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(path_, "pwrite at byte " + std::to_string(position + int64_t(done)), errno);
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

Result<void> FileHandle::truncate(int64_t size) {
  while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    if (errno != EINTR) return io_error(path_, "ftruncate to " + std::to_string(size), errno);
  }
  return {};
}

Result<void> FileHandle::sync() {
  if (::fsync(fd_) != 0) return io_error(path_, "fsync", errno);
  return {};
}

Result<void> sync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(dir, "open directory", errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return io_error(dir, "fsync directory", err);
  return {};
}

Result<void> remove_file(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error(path, "unlink", errno);
  return {};
}

}  // namespace kafkit::broker
