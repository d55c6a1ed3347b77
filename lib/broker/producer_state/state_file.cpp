#include "broker/producer_state/state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kafkit::broker {

Result<void> replace_file(const std::filesystem::path& path, const std::string& text,
                          bool durable) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{errc::io, "cannot write " + tmp.string() + ": " + std::strerror(errno)};
  size_t off = 0;
  bool ok = true;
  while (ok && off < text.size()) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) off += static_cast<size_t>(n);
  }
  if (ok && durable) ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Error{errc::io, "cannot write " + path.string()};
  }
  if (durable) {
    int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return Error{errc::io, "cannot sync directory of " + path.string()};
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<std::optional<std::string>> read_small_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>{};
    return Error{errc::io, "cannot read " + path.string() + ": " + std::strerror(errno)};
  }
  std::string text;
  char buf[8192];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Error{errc::io, "cannot read " + path.string() + ": " + std::strerror(errno)};
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(text));
}

}  // namespace kafkit::broker
