#include "cli_options.hpp"

#include <charconv>
#include <string_view>

#include "binary_encoding.hpp"

namespace kafkit::cli {
namespace {

// kcat's single-letter flags: those taking a value, and those that do not.
constexpr std::string_view kWithValue = "GtpbzoDKkHdFXcfsrmM";
constexpr std::string_view kFlags = "PCLQeEOqvTuZlVhJ";

template <class T>
T parse_number(char flag, const std::string& value) {
  T out{};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc{} || end != value.data() + value.size())
    throw UsageError(std::string("-") + flag + ": '" + value + "' is not a number");
  return out;
}

void set_mode(CliOptions& o, Mode m, char flag) {
  if (o.mode != Mode::none && o.mode != m)
    throw UsageError(std::string("-") + flag + ": only one of -P, -C, -G, -L, -Q may be given");
  o.mode = m;
}

void set_property(CliOptions& o, const std::string& value) {
  if (value == "list") {
    o.list_properties = true;
    return;
  }
  if (value == "dump") {
    o.dump_config = true;
    return;
  }
  auto eq = value.find('=');
  if (eq == std::string::npos || eq == 0)
    throw UsageError("-X: expected prop=value, list or dump, got '" + value + "'");
  // kcat routes "topic.x" to librdkafka's topic configuration; kafkit has one namespace.
  std::string name = value.substr(0, eq);
  if (name.rfind("topic.", 0) == 0) name = name.substr(6);
  o.config.set(name, value.substr(eq + 1));
}

void set_serdes(CliOptions& o, const std::string& value) {
  if (value.rfind("key=", 0) == 0)
    o.key_serdes = value.substr(4);
  else if (value.rfind("value=", 0) == 0)
    o.value_serdes = value.substr(6);
  else
    o.key_serdes = o.value_serdes = value;
}

void apply(CliOptions& o, char flag, const std::string& v) {
  switch (flag) {
    case 'P':
      set_mode(o, Mode::produce, flag);
      break;
    case 'C':
      set_mode(o, Mode::consume, flag);
      break;
    case 'L':
      set_mode(o, Mode::list, flag);
      break;
    case 'Q':
      set_mode(o, Mode::query, flag);
      break;
    case 'G':
      set_mode(o, Mode::group, flag);
      o.group = v;
      break;
    case 't':
      o.topics.push_back(v);
      break;
    case 'p':
      o.partition = parse_number<std::int32_t>(flag, v);
      break;
    case 'b':
      o.config.set("bootstrap.servers", v);
      break;
    case 'z':
      o.compression = v;
      break;
    case 'o':
      o.offset = v;
      o.offsets.push_back(v);
      break;
    case 'D':
      o.delimiter = decode_escapes(v);
      break;
    case 'K':
      o.key_delimiter = decode_escapes(v);
      break;
    case 'k':
      o.fixed_key = v;
      break;
    case 'H': {
      auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0)
        throw UsageError("-H: expected name=value, got '" + v + "'");
      o.headers.emplace_back(v.substr(0, eq), v.substr(eq + 1));
      break;
    }
    case 'd':
      throw UsageError("-d: librdkafka debug contexts do not exist in kafkit; use -v");
    case 'F': {
      auto loaded = o.config.load_file(v);
      if (!loaded.ok()) throw UsageError("-F: " + loaded.error().message);
      break;
    }
    case 'X':
      set_property(o, v);
      break;
    case 'c':
      o.count = parse_number<std::int64_t>(flag, v);
      break;
    case 'f':
      o.format = v;
      break;
    case 's':
      set_serdes(o, v);
      break;
    case 'r':
      throw UsageError("-r: Avro and the schema registry are not supported");
    case 'm':
      o.metadata_timeout_ms = parse_number<std::int64_t>(flag, v) * 1000;
      break;
    case 'M':
      o.playground_nodes = parse_number<int>(flag, v);
      break;
    case 'e':
      o.exit_at_end = true;
      break;
    case 'E':
      o.exit_on_error = false;
      break;
    case 'O':
      o.print_offset = true;
      break;
    case 'q':
      o.verbosity = 0;
      break;
    case 'v':
      ++o.verbosity;
      break;
    case 'T':
      o.tee = true;
      break;
    case 'u':
      o.unbuffered = true;
      break;
    case 'Z':
      o.null_empty = true;
      break;
    case 'l':
      o.file_mode = true;
      break;
    case 'V':
      o.show_version = true;
      break;
    case 'h':
      o.show_help = true;
      break;
    case 'J':
      o.json = true;
      break;
    default:
      break;
  }
}

/// kafkit's own long options; returns how many arguments it used.
size_t apply_long(CliOptions& o, const std::vector<std::string>& args, size_t i) {
  std::string arg = args[i].substr(2);
  std::optional<std::string> value;
  if (auto eq = arg.find('='); eq != std::string::npos) {
    value = arg.substr(eq + 1);
    arg = arg.substr(0, eq);
  }
  if (arg == "no-progress" && !value) {
    o.progress = false;
    return 1;
  }
  if (arg == "help" && !value) {
    o.show_help = true;
    return 1;
  }
  if (arg == "encoding") {
    size_t used = 1;
    if (!value) {
      if (i + 1 >= args.size()) throw UsageError("--encoding: needs base64 or hex");
      value = args[i + 1];
      used = 2;
    }
    auto e = encoding_from_name(*value);
    if (!e) throw UsageError("--encoding: expected base64, hex or none, got '" + *value + "'");
    o.encoding = *e;
    return used;
  }
  throw UsageError("unknown option '" + args[i] + "' (kafkit -h lists them)");
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string decode_escapes(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    char c = text[++i];
    switch (c) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '\\':
        out += '\\';
        break;
      case 'x': {
        int value = 0, digits = 0;
        while (digits < 2 && i + 1 < text.size() && hex_digit(text[i + 1]) >= 0) {
          value = value * 16 + hex_digit(text[++i]);
          ++digits;
        }
        if (digits == 0) throw UsageError("'\\x' in '" + text + "' needs hex digits");
        out += static_cast<char>(value);
        break;
      }
      default:
        out += '\\', out += c;  // kcat keeps an unknown escape as written
    }
  }
  return out;
}

CliOptions parse_cli(const std::vector<std::string>& args) {
  CliOptions o;
  bool operands_only = false;
  for (size_t i = 0; i < args.size();) {
    const std::string& a = args[i];
    if (operands_only || a.size() < 2 || a[0] != '-') {
      o.operands.push_back(a);
      ++i;
      continue;
    }
    if (a == "--") {
      operands_only = true;
      ++i;
      continue;
    }
    if (a[1] == '-') {
      i += apply_long(o, args, i);
      continue;
    }
    // A cluster of short flags ("-Ce"), the last of which may take a value, either the
    // rest of this argument ("-ofoo") or the next one ("-o foo"), as getopt does.
    ++i;
    for (size_t j = 1; j < a.size(); ++j) {
      char flag = a[j];
      if (kWithValue.find(flag) != std::string_view::npos) {
        std::string value;
        if (j + 1 < a.size()) {
          value = a.substr(j + 1);
        } else if (i < args.size()) {
          value = args[i++];
        } else {
          throw UsageError(std::string("-") + flag + ": needs a value");
        }
        apply(o, flag, value);
        break;
      }
      if (kFlags.find(flag) == std::string_view::npos)
        throw UsageError(std::string("unknown option -") + flag + " (kafkit -h lists them)");
      apply(o, flag, {});
    }
  }
  return o;
}

}  // namespace kafkit::cli
