#include "json_input.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "binary_encoding.hpp"

namespace kafkit::cli {
namespace {

// Insertion order matters for the object form of headers: they are sent as written.
using Json = nlohmann::ordered_json;

Error bad(std::string what) {
  return Error{errc::invalid_argument, std::move(what)};
}

/// A string field's bytes, decoded from `encoding`; nullopt for null.
Result<std::optional<std::string>> bytes_of(const Json& v, const char* what, Encoding encoding) {
  if (v.is_null()) return std::optional<std::string>();
  if (!v.is_string()) return bad(std::string(what) + " must be a string or null");
  const auto& text = v.get_ref<const std::string&>();
  if (encoding == Encoding::none) return std::optional<std::string>(text);
  auto decoded = decode(text, encoding);
  if (!decoded)
    return bad(std::string(what) + " is not valid " + encoding_name(encoding) + ": \"" +
               text.substr(0, 40) + (text.size() > 40 ? "...\"" : "\""));
  return std::optional<std::string>(std::move(*decoded));
}

Result<void> read_headers(const Json& v, Encoding encoding, JsonMessage& out) {
  if (v.is_null()) return {};
  if (v.is_array()) {
    // kcat's form: a flat list of name, value, name, value, ...
    if (v.size() % 2 != 0)
      return bad("\"headers\" must list name, value pairs (it has " + std::to_string(v.size()) +
                 " entries)");
    for (std::size_t i = 0; i < v.size(); i += 2) {
      if (!v[i].is_string()) return bad("a header name must be a string");
      auto value = bytes_of(v[i + 1], "a header value", encoding);
      if (!value) return value.error();
      out.headers.emplace_back(v[i].get<std::string>(), std::move(*value));
    }
    return {};
  }
  if (v.is_object()) {
    for (const auto& [name, value_json] : v.items()) {
      auto value = bytes_of(value_json, "a header value", encoding);
      if (!value) return value.error();
      out.headers.emplace_back(name, std::move(*value));
    }
    return {};
  }
  return bad("\"headers\" must be an array [name, value, ...] or an object {name: value}");
}

}  // namespace

Result<JsonMessage> parse_json_message(std::string_view line, Encoding default_encoding) {
  Json doc;
  try {
    doc = Json::parse(line);
  } catch (const Json::parse_error& e) {
    // what() is "[json.exception.parse_error.101] parse error at ..."; keep the reason.
    std::string why = e.what();
    if (auto pos = why.find("] "); pos != std::string::npos) why = why.substr(pos + 2);
    return bad("not JSON: " + why);
  }
  if (!doc.is_object()) return bad("expected a JSON object");

  Encoding encoding = default_encoding;
  if (auto it = doc.find("encoding"); it != doc.end() && !it->is_null()) {
    auto e = it->is_string() ? encoding_from_name(it->get_ref<const std::string&>()) : std::nullopt;
    if (!e) return bad("\"encoding\" must be \"base64\", \"hex\" or \"none\"");
    encoding = *e;
  }

  JsonMessage out;
  if (auto it = doc.find("topic"); it != doc.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
      return bad("\"topic\" must be a non-empty string");
    out.topic = it->get<std::string>();
  }
  if (auto it = doc.find("partition"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer()) return bad("\"partition\" must be an integer");
    auto p = it->get<std::int64_t>();
    if (p < -1 || p > std::numeric_limits<std::int32_t>::max())
      return bad("\"partition\" " + std::to_string(p) + " is out of range");
    if (p >= 0) out.partition = static_cast<std::int32_t>(p);
  }
  if (auto it = doc.find("key"); it != doc.end()) {
    auto key = bytes_of(*it, "\"key\"", encoding);
    if (!key) return key.error();
    out.key = std::move(*key);
  }
  if (auto it = doc.find("payload"); it != doc.end()) {
    auto payload = bytes_of(*it, "\"payload\"", encoding);
    if (!payload) return payload.error();
    out.payload = std::move(*payload);
  }
  if (auto it = doc.find("headers"); it != doc.end()) {
    auto r = read_headers(*it, encoding, out);
    if (!r) return r.error();
  }
  if (auto it = doc.find("ts"); it != doc.end() && !it->is_null()) {
    if (!it->is_number_integer()) return bad("\"ts\" must be an integer (milliseconds)");
    auto ts = it->get<std::int64_t>();
    // kcat prints -1 for a message without a timestamp: let the producer stamp it.
    if (ts < -1) return bad("\"ts\" " + std::to_string(ts) + " is negative");
    if (ts >= 0) out.timestamp = ts;
  }
  return out;
}

}  // namespace kafkit::cli
