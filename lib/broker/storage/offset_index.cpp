#include "broker/storage/offset_index.hpp"

#include <algorithm>
#include <string>

#include "protocol/records/byte_order.hpp"

namespace kafkit::broker {

using protocol::detail::load_be;
using protocol::detail::store_be;

Result<OffsetIndex> OffsetIndex::open(const std::filesystem::path& path, int64_t base_offset) {
  auto file = IndexFile::open(path, entry_size);
  if (!file) return file.error();
  return OffsetIndex(std::move(*file), base_offset);
}

Result<void> OffsetIndex::load() {
  entries_.clear();
  auto bytes = file_.read_all();
  if (!bytes) return bytes.error();
  std::vector<OffsetPosition> loaded;
  loaded.reserve(bytes->size() / entry_size);
  for (size_t at = 0; at < bytes->size(); at += entry_size) {
    auto rel = load_be<int32_t>(bytes->data() + at);
    auto pos = load_be<int32_t>(bytes->data() + at + 4);
    OffsetPosition e{base_ + rel, pos};
    bool increasing =
        loaded.empty() || (e.offset > loaded.back().offset && e.position > loaded.back().position);
    if (rel < 0 || pos < 0 || !increasing)
      return Error{errc::malformed, path().string() + ": entry at byte " + std::to_string(at) +
                                        " (relative offset " + std::to_string(rel) + ", position " +
                                        std::to_string(pos) +
                                        ") does not follow the previous entry"};
    loaded.push_back(e);
  }
  entries_ = std::move(loaded);
  return {};
}

std::optional<OffsetPosition> OffsetIndex::lookup(int64_t offset) const noexcept {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), offset,
                             [](int64_t o, const OffsetPosition& e) { return o < e.offset; });
  if (it == entries_.begin()) return std::nullopt;
  return *(it - 1);
}

std::array<std::byte, OffsetIndex::entry_size> OffsetIndex::encode(
    const OffsetPosition& e) const noexcept {
  std::array<std::byte, entry_size> out{};
  store_be(out.data(), static_cast<int32_t>(e.offset - base_));
  store_be(out.data() + 4, static_cast<int32_t>(e.position));
  return out;
}

Result<void> OffsetIndex::append(int64_t offset, int64_t position) {
  if (!entries_.empty() &&
      (offset <= entries_.back().offset || position <= entries_.back().position))
    return {};
  OffsetPosition e{offset, position};
  return append_mirrored(file_, entries_, e, [this](const OffsetPosition& x) { return encode(x); });
}

Result<void> OffsetIndex::truncate_to_position(int64_t log_size) {
  return truncate_mirrored(file_, entries_,
                           [&](const OffsetPosition& e) { return e.position >= log_size; });
}

Result<void> OffsetIndex::rewrite(const std::vector<OffsetPosition>& entries) {
  return rewrite_mirrored(file_, entries_, entries,
                          [this](const OffsetPosition& x) { return encode(x); });
}

}  // namespace kafkit::broker
