#include "broker/server/outgoing_frame.hpp"

#include <stdexcept>

namespace kafkit::broker {

void FileSliceSplicer::add(const std::optional<protocol::Bytes>& field, FileSlice slice) {
  slices_[&field] = std::move(slice);
}

std::optional<size_t> FileSliceSplicer::external_size(const std::optional<protocol::Bytes>& field) {
  auto it = slices_.find(&field);
  if (it == slices_.end()) return std::nullopt;
  return it->second.length;
}

const FileSlice& FileSliceSplicer::slice_for(const std::optional<protocol::Bytes>* field) const {
  auto it = slices_.find(field);
  if (it == slices_.end()) throw std::logic_error("FileSliceSplicer: splice of an unknown field");
  return it->second;
}

OutgoingFrame::OutgoingFrame(protocol::Bytes bytes) : bytes_(std::move(bytes)) {
  add_owned(0, bytes_.size());
}

OutgoingFrame::OutgoingFrame(protocol::Bytes encoded,
                             std::span<const protocol::SplicePoint> splices,
                             const FileSliceSplicer& splicer)
    : bytes_(std::move(encoded)) {
  size_t at = 0;
  for (const protocol::SplicePoint& p : splices) {
    add_owned(at, p.offset);
    const FileSlice& slice = splicer.slice_for(p.field);
    if (slice.length > 0) parts_.push_back({0, 0, slice});
    at = p.offset;
  }
  add_owned(at, bytes_.size());
}

void OutgoingFrame::add_owned(size_t begin, size_t end) {
  if (begin == end) return;
  // Adjacent owned ranges (a zero-length slice between them) stay one part.
  if (!parts_.empty() && !parts_.back().is_file() && parts_.back().end == begin) {
    parts_.back().end = end;
    return;
  }
  parts_.push_back({begin, end, {}});
}

size_t OutgoingFrame::size() const noexcept {
  size_t n = 0;
  for (const Part& p : parts_) n += p.size();
  return n;
}

bool OutgoingFrame::has_files() const noexcept {
  for (const Part& p : parts_)
    if (p.is_file()) return true;
  return false;
}

Result<void> OutgoingFrame::materialize() {
  if (!has_files()) return {};
  protocol::Bytes whole;
  whole.reserve(size());
  for (const Part& p : parts_) {
    if (!p.is_file()) {
      whole.insert(whole.end(), bytes_.begin() + static_cast<ptrdiff_t>(p.begin),
                   bytes_.begin() + static_cast<ptrdiff_t>(p.end));
      continue;
    }
    size_t at = whole.size();
    whole.resize(at + p.file.length);
    auto r = p.file.file->read_exact(p.file.position,
                                     std::span<std::byte>(whole.data() + at, p.file.length));
    if (!r) return r.error();
  }
  bytes_ = std::move(whole);
  parts_.clear();
  add_owned(0, bytes_.size());
  return {};
}

}  // namespace kafkit::broker
