#pragma once
// A small streaming JSON writer: kafkit-dump and to_json print one object per line, and a
// decoded message can hold any bytes, so strings are escaped to always yield valid JSON.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kafkit {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(uint64_t v);
  JsonWriter& value(int32_t v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(int16_t v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(int8_t v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(uint32_t v) { return value(static_cast<uint64_t>(v)); }
  JsonWriter& value(uint16_t v) { return value(static_cast<uint64_t>(v)); }
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  /// Bytes are printed as standard base64 in a JSON string.
  JsonWriter& base64(std::span<const std::byte> b);

  const std::string& str() const noexcept { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  std::vector<bool> first_;  // one entry per open container: no element written yet
  bool after_key_ = false;
};

/// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool valid_utf8(std::string_view s);
/// Appends `s` as a quoted JSON string; invalid UTF-8 becomes U+FFFD.
void append_json_string(std::string& out, std::string_view s);
std::string base64_encode(std::span<const std::byte> b);

}  // namespace kafkit
