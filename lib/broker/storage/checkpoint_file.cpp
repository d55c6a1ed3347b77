#include "broker/storage/checkpoint_file.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <string>

#include "broker/storage/file_handle.hpp"

namespace kafkit::broker {

Result<std::optional<int64_t>> read_checkpoint(const std::filesystem::path& path) {
  auto file = FileHandle::open(path, false);
  if (!file) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<int64_t>();
    return file.error();
  }
  char buf[64];
  auto n = file->read_some(0, std::as_writable_bytes(std::span(buf)));
  if (!n) return n.error();
  std::string text(buf, *n);
  auto bad = [&] {
    return Error{errc::malformed, path.string() +
                                      ": not a checkpoint file (expected \"0\\n\" "
                                      "and an offset)"};
  };
  if (text.size() < 3 || text.compare(0, 2, "0\n") != 0) return bad();
  size_t end = text.find('\n', 2);
  if (end == std::string::npos) return bad();
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data() + 2, text.data() + end, value);
  if (ec != std::errc() || ptr != text.data() + end || value < 0) return bad();
  return std::optional<int64_t>(value);
}

Result<void> write_checkpoint(const std::filesystem::path& path, int64_t value) {
  auto tmp = path;
  tmp += ".tmp";
  std::string text = "0\n" + std::to_string(value) + "\n";
  {
    auto file = FileHandle::open(tmp, true);
    if (!file) return file.error();
    if (auto r = file->truncate(0); !r) return r;
    if (auto r = file->write_all(0, std::as_bytes(std::span(text))); !r) return r;
    if (auto r = file->sync(); !r) return r;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return io_error(path, "rename", errno);
  return sync_directory(path.parent_path());
}

}  // namespace kafkit::broker
