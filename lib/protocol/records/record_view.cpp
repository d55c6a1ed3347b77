#include "protocol/records/record_view.hpp"

#include "protocol/records/record_cursor.hpp"

namespace kafkit::protocol {

void HeaderRange::iterator::advance() noexcept {
  if (left_ <= 0) {
    left_ = -1;
    return;
  }
  // The batch decoder validated these bytes; the checks below only keep a mutated input
  // (a caller bug) from reading out of bounds: iteration then simply ends.
  detail::RecordCursor r(rest_, 0);
  int32_t key_length = r.varint("Header.keyLength");
  ByteView key = r.take(key_length < 0 ? r.remaining() + 1 : size_t(key_length), "Header.key");
  int32_t value_length = r.varint("Header.valueLength");
  std::optional<ByteView> value;
  if (value_length >= 0) value = r.take(size_t(value_length), "Header.value");
  if (!r.ok() || value_length < -1) {
    left_ = -1;
    return;
  }
  current_ = RecordHeader{as_chars(key), value};
  rest_ = rest_.subspan(rest_.size() - r.remaining());
  --left_;
}

}  // namespace kafkit::protocol
