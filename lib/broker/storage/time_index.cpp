#include "broker/storage/time_index.hpp"

#include <algorithm>
#include <string>

#include "protocol/records/byte_order.hpp"

namespace kafkit::broker {

using protocol::detail::load_be;
using protocol::detail::store_be;

Result<TimeIndex> TimeIndex::open(const std::filesystem::path& path, int64_t base_offset) {
  auto file = IndexFile::open(path, entry_size);
  if (!file) return file.error();
  return TimeIndex(std::move(*file), base_offset);
}

Result<void> TimeIndex::load() {
  entries_.clear();
  auto bytes = file_.read_all();
  if (!bytes) return bytes.error();
  std::vector<TimestampOffset> loaded;
  loaded.reserve(bytes->size() / entry_size);
  for (size_t at = 0; at < bytes->size(); at += entry_size) {
    auto ts = load_be<int64_t>(bytes->data() + at);
    auto rel = load_be<int32_t>(bytes->data() + at + 8);
    TimestampOffset e{ts, base_ + rel};
    bool increasing = loaded.empty() ||
                      (e.timestamp > loaded.back().timestamp && e.offset >= loaded.back().offset);
    if (rel < 0 || !increasing)
      return Error{errc::malformed, path().string() + ": entry at byte " + std::to_string(at) +
                                        " (timestamp " + std::to_string(ts) + ", relative offset " +
                                        std::to_string(rel) +
                                        ") does not follow the previous entry"};
    loaded.push_back(e);
  }
  entries_ = std::move(loaded);
  return {};
}

std::optional<TimestampOffset> TimeIndex::lookup(int64_t timestamp) const noexcept {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), timestamp,
                             [](int64_t t, const TimestampOffset& e) { return t < e.timestamp; });
  if (it == entries_.begin()) return std::nullopt;
  return *(it - 1);
}

std::array<std::byte, TimeIndex::entry_size> TimeIndex::encode(
    const TimestampOffset& e) const noexcept {
  std::array<std::byte, entry_size> out{};
  store_be(out.data(), e.timestamp);
  store_be(out.data() + 8, static_cast<int32_t>(e.offset - base_));
  return out;
}

Result<void> TimeIndex::maybe_append(int64_t timestamp, int64_t offset) {
  if (!entries_.empty() &&
      (timestamp <= entries_.back().timestamp || offset < entries_.back().offset))
    return {};
  TimestampOffset e{timestamp, offset};
  return append_mirrored(file_, entries_, e,
                         [this](const TimestampOffset& x) { return encode(x); });
}

Result<void> TimeIndex::truncate_to_offset(int64_t next_offset) {
  return truncate_mirrored(file_, entries_,
                           [&](const TimestampOffset& e) { return e.offset >= next_offset; });
}

Result<void> TimeIndex::rewrite(const std::vector<TimestampOffset>& entries) {
  return rewrite_mirrored(file_, entries_, entries,
                          [this](const TimestampOffset& x) { return encode(x); });
}

}  // namespace kafkit::broker
