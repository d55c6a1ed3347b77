#include "kcat_text.hpp"

#include "protocol/messages/error_codes.hpp"

namespace kafkit::cli {

std::string kcat_error_text(int code) {
  // Only the codes a metadata listing or an offset query can show; the wording is
  // librdkafka's, so that kafkit's -L / -Q output is byte-identical to kcat's.
  switch (code) {
    case kLocalUnknownPartition:
      return "Local: Unknown partition";
    case kLocalTimedOut:
      return "Local: Timed out";
    case kLocalTransport:
      return "Local: Broker transport failure";
    case -1:
      return "Broker: Unknown broker error";
    case 1:
      return "Broker: Offset out of range";
    case 3:
      return "Broker: Unknown topic or partition";
    case 5:
      return "Broker: Leader not available";
    case 6:
      return "Broker: Not leader for partition";
    case 7:
      return "Broker: Request timed out";
    case 8:
      return "Broker: Broker not available";
    case 9:
      return "Broker: Replica not available";
    case 17:
      return "Broker: Invalid topic";
    case 29:
      return "Broker: Topic authorization failed";
    case 35:
      return "Broker: API version not supported";
    case 41:
      return "Broker: Not controller for cluster";
    case 42:
      return "Broker: Invalid request";
    case 56:
      return "Broker: Disk error when trying to access log file on disk";
    case 74:
      return "Broker: Leader epoch is older than broker epoch";
    case 75:
      return "Broker: Leader epoch is newer than broker epoch";
    case 78:
      return "Broker: Leader high watermark is not caught up";
    default:
      break;
  }
  if (code > 0 && code < 32768)
    return "Broker: " + std::string(protocol::error_name(static_cast<std::int16_t>(code)));
  return "Local: error " + std::to_string(code);
}

void append_json_string(std::string& out, std::string_view text) {
  // Runs of bytes that need no escape are appended at once (-J of many messages).
  static constexpr char kHex[] = "0123456789ABCDEF";  // yajl writes \u001B, not \u001b
  out += '"';
  size_t plain = 0;  // start of the run of bytes that need no escape
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

}  // namespace kafkit::cli
