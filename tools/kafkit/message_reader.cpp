#include "message_reader.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace kafkit::cli {

MessageReader::MessageReader(int fd, std::string delimiter, std::size_t chunk_size)
    : fd_(fd),
      delimiter_(std::move(delimiter)),
      chunk_size_(std::max<std::size_t>(chunk_size, 1)),
      buffer_(chunk_size_) {
  if (delimiter_.empty()) throw std::invalid_argument("the message delimiter must not be empty");
  map_file();
}

MessageReader::~MessageReader() {
  if (mapped_ != nullptr) ::munmap(const_cast<char*>(mapped_), mapped_size_);
}

void MessageReader::map_file() {
  // A regular file read from its start (-l, or stdin redirected from a file) is mapped
  // instead of read: messages are then views into the page cache, with no copy at all.
  // (As kcat's whole-file mode, a file truncated while it is read ends the run with
  // SIGBUS; a file that grows is read as far as it was long here.)
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) return;
  if (::lseek(fd_, 0, SEEK_CUR) != 0) return;
  auto size = static_cast<std::size_t>(st.st_size);
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd_, 0);
  if (p == MAP_FAILED) return;  // read() it is
  ::madvise(p, size, MADV_SEQUENTIAL);
  mapped_ = static_cast<const char*>(p);
  mapped_size_ = size;
  buffer_ = {};
}

const char* MessageReader::data() const noexcept {
  return mapped_ != nullptr ? mapped_ : buffer_.data();
}

void MessageReader::make_room() {
  if (begin_ > 0) {
    // Only the unfinished message is left (split() returned everything before it): short
    // for line input, so the move is cheap.
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    scan_ -= begin_;
    begin_ = 0;
  }
  // A message longer than what is left of the buffer: grow it, so each read still brings
  // a good part of a chunk (and the delimiter search stays linear).
  std::size_t free = buffer_.size() - end_;
  if (free < std::max<std::size_t>(chunk_size_ / 2, 1))
    buffer_.resize(std::max(buffer_.size() * 2, end_ + chunk_size_));
}

std::size_t MessageReader::split(std::vector<std::string_view>& out) {
  const char* data = this->data();
  std::size_t count = 0;
  if (delimiter_.size() == 1) {
    // The common case (lines): memchr is the fastest search there is.
    const char d = delimiter_[0];
    while (scan_ < end_) {
      const void* hit = std::memchr(data + scan_, d, end_ - scan_);
      if (hit == nullptr) {
        scan_ = end_;
        break;
      }
      auto pos = static_cast<std::size_t>(static_cast<const char*>(hit) - data);
      out.emplace_back(data + begin_, pos - begin_);
      ++count;
      begin_ = scan_ = pos + 1;
    }
    return count;
  }
  std::string_view haystack(data, end_);
  for (;;) {
    std::size_t pos = haystack.find(delimiter_, scan_);
    if (pos == std::string_view::npos) {
      // The last size-1 bytes may be the start of a delimiter the next read completes.
      std::size_t keep = delimiter_.size() - 1;
      scan_ = std::max(begin_, end_ >= keep ? end_ - keep : 0);
      break;
    }
    out.emplace_back(data + begin_, pos - begin_);
    ++count;
    begin_ = scan_ = pos + delimiter_.size();
  }
  return count;
}

Result<bool> MessageReader::read_batch(std::vector<std::string_view>& out) {
  interrupted_ = false;
  for (;;) {
    if (eof_) {
      if (begin_ == end_) return false;
      // kcat: the bytes after the last delimiter are a message too.
      out.emplace_back(data() + begin_, end_ - begin_);
      begin_ = scan_ = end_;
      return true;
    }
    if (mapped_ != nullptr) {
      // "Read" the next chunk of the mapping: the batches stay as large as from read().
      std::size_t n = std::min(chunk_size_, mapped_size_ - end_);
      if (n == 0) {
        eof_ = true;
        continue;
      }
      end_ += n;
      if (split(out) > 0) return true;
      continue;
    }
    make_room();
    ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0) {
      if (errno == EINTR) {
        interrupted_ = true;
        return true;
      }
      return Error{errc::io, std::string("cannot read input: ") + std::strerror(errno)};
    }
    if (n == 0) {
      eof_ = true;
      continue;
    }
    end_ += static_cast<std::size_t>(n);
    if (split(out) > 0) return true;
  }
}

KeyValue split_key(std::string_view message, std::string_view key_delimiter) {
  std::size_t pos = message.find(key_delimiter);
  if (pos == std::string_view::npos) return KeyValue{std::nullopt, message};
  return KeyValue{message.substr(0, pos), message.substr(pos + key_delimiter.size())};
}

}  // namespace kafkit::cli
