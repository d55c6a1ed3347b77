#include "message_format.hpp"

#include <charconv>
#include <cstdlib>

#include "binary_encoding.hpp"
#include "pack_serdes.hpp"

namespace kafkit::cli {
namespace {

constexpr std::string_view kNull = "NULL";  // kcat's -Z text

std::optional<FieldKind> field_of(char c) {
  switch (c) {
    case 'o':
      return FieldKind::offset;
    case 'k':
      return FieldKind::key;
    case 'K':
      return FieldKind::key_length;
    case 's':
      return FieldKind::value;
    case 'S':
      return FieldKind::value_length;
    case 'R':
      return FieldKind::value_length_binary;
    case 't':
      return FieldKind::topic;
    case 'p':
      return FieldKind::partition;
    case 'T':
      return FieldKind::timestamp;
    case 'h':
      return FieldKind::headers;
    default:
      return std::nullopt;
  }
}

void add_literal(std::vector<FormatToken>& tokens, std::string_view raw) {
  std::string text = decode_format_escapes(raw);
  if (!text.empty()) tokens.push_back({FieldKind::literal, std::move(text), std::nullopt});
}

}  // namespace

void append_decimal(std::string& out, std::int64_t value) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

std::string decode_format_escapes(std::string_view text) {
  // strtoul needs a NUL-terminated string; kcat's numbers are what strtoul reads.
  std::string in(text);
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 >= in.size()) {
      out += in[i];
      continue;
    }
    char c = in[++i];
    int base = 0;
    if (c == 't') {
      out += '\t';
      continue;
    }
    if (c == 'n') {
      out += '\n';
      continue;
    }
    if (c == 'r') {
      out += '\r';
      continue;
    }
    if (c == 'x') {
      base = 16;
      if (++i >= in.size()) break;  // "\x" at the very end: kcat writes a NUL, text ends
      c = in[i];
    }
    if (c >= '0' && c <= '9') {
      char* next = nullptr;
      unsigned long v = std::strtoul(in.c_str() + i, &next, base);
      i = static_cast<size_t>(next - in.c_str()) - 1;
      out += static_cast<char>(v);
    } else {
      out += c;
    }
  }
  if (auto nul = out.find('\0'); nul != std::string::npos) out.resize(nul);
  return out;
}

std::vector<FormatToken> parse_format(std::string_view format) {
  std::vector<FormatToken> tokens;
  size_t at = 0;
  while (at < format.size()) {
    size_t pct = format.find('%', at);
    if (pct == std::string_view::npos) {
      add_literal(tokens, format.substr(at));
      break;
    }
    if (pct > at) add_literal(tokens, format.substr(at, pct - at));
    at = pct + 1;
    if (at >= format.size()) throw UsageError("-f: empty formatter: '%' at the end");
    std::optional<Encoding> modifier;
    if (format[at] == '{') {
      size_t close = format.find('}', at);
      if (close == std::string_view::npos)
        throw UsageError("-f: '%{' without '}' in '" + std::string(format) + "'");
      std::string_view name = format.substr(at + 1, close - at - 1);
      modifier = encoding_from_name(name);
      if (!modifier)
        throw UsageError("-f: unknown modifier %{" + std::string(name) + "} (base64, hex or none)");
      at = close + 1;
      if (at >= format.size() || std::string_view("skh").find(format[at]) == std::string_view::npos)
        throw UsageError("-f: %{" + std::string(name) + "} applies to %s, %k or %h only");
    }
    char c = format[at++];
    if (c == '%') {
      tokens.push_back({FieldKind::literal, "%", std::nullopt});
      continue;
    }
    auto kind = field_of(c);
    if (!kind) throw UsageError(std::string("-f: unsupported formatter: %") + c);
    tokens.push_back({*kind, {}, modifier});
  }
  // Adjacent literals (text, "%%", text) are one write.
  std::vector<FormatToken> merged;
  for (auto& t : tokens) {
    if (t.kind == FieldKind::literal && !merged.empty() && merged.back().kind == FieldKind::literal)
      merged.back().text += t.text;
    else
      merged.push_back(std::move(t));
  }
  return merged;
}

std::string default_format(const CliOptions& options) {
  if (options.json) return options.delimiter;
  if (options.key_delimiter) return "%k" + *options.key_delimiter + "%s" + options.delimiter;
  return "%s" + options.delimiter;
}

std::string json_delimiter(const std::vector<FormatToken>& tokens) {
  if (!tokens.empty() && tokens.front().kind == FieldKind::literal) return tokens.front().text;
  return {};
}

MessageFormatter::MessageFormatter(std::vector<FormatToken> tokens, FormatOptions options)
    : tokens_(std::move(tokens)), options_(std::move(options)) {}

bool MessageFormatter::append_bytes(std::string& out, std::optional<std::string_view> bytes,
                                    const std::optional<std::string>& pack, const char* what,
                                    std::optional<Encoding> modifier, std::string& error) const {
  // kcat prints nothing (or -Z's NULL) for an empty key or value as for a null one.
  if (!bytes || bytes->empty()) {
    if (options_.null_empty) out += kNull;
    return true;
  }
  if (pack && !modifier) return unpack(out, what, *pack, *bytes, error);
  Encoding encoding = modifier.value_or(options_.encoding);
  if (encoding == Encoding::none)
    out.append(*bytes);
  else
    out += encode(*bytes, encoding);
  return true;
}

bool MessageFormatter::append(std::string& out, const ConsumerRecord& r, std::string& error) const {
  for (const FormatToken& t : tokens_) {
    switch (t.kind) {
      case FieldKind::literal:
        out += t.text;
        break;
      case FieldKind::offset:
        append_decimal(out, r.offset);
        break;
      case FieldKind::key:
        if (!append_bytes(out, r.key, options_.key_pack, "key", t.encoding, error)) goto fail;
        break;
      case FieldKind::key_length:
        append_decimal(out, r.key ? static_cast<std::int64_t>(r.key->size()) : -1);
        break;
      case FieldKind::value:
        if (!append_bytes(out, r.value, options_.value_pack, "value", t.encoding, error)) goto fail;
        break;
      case FieldKind::value_length:
        append_decimal(out, r.value ? static_cast<std::int64_t>(r.value->size()) : -1);
        break;
      case FieldKind::value_length_binary: {
        auto len = r.value ? static_cast<std::uint32_t>(r.value->size()) : 0xffffffffu;
        for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>(len >> shift);
        break;
      }
      case FieldKind::topic:
        out.append(r.topic);
        break;
      case FieldKind::partition:
        append_decimal(out, r.partition);
        break;
      case FieldKind::timestamp:
        append_decimal(out, r.timestamp);
        break;
      case FieldKind::headers: {
        Encoding encoding = t.encoding.value_or(options_.encoding);
        bool first = true;
        for (const Header& h : r.headers) {
          if (!first) out += ',';
          first = false;
          out.append(h.key);
          out += '=';
          if (!h.value)
            out += kNull;
          else if (encoding == Encoding::none)
            out.append(*h.value);
          else
            out += encode(*h.value, encoding);
        }
        break;
      }
    }
  }
  return true;
fail:
  error = "Failed to format message in " + std::string(r.topic) + " [" +
          std::to_string(r.partition) + "] at offset " + std::to_string(r.offset) + ": " + error;
  return false;
}

}  // namespace kafkit::cli
