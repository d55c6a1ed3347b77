#include "admin_support.hpp"

#include <charconv>
#include <iostream>

#include "admin_commands.hpp"
#include "client_config.hpp"
#include "protocol/messages/error_codes.hpp"

namespace kafkit::cli {

using json = nlohmann::ordered_json;

std::optional<std::string> AdminArgs::value(std::string_view name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> AdminArgs::all(std::string_view name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

AdminArgs parse_admin_args(const std::string& command, const std::vector<std::string>& args,
                           std::span<const OptionSpec> options) {
  AdminArgs out;
  out.command = command;
  std::vector<std::string> connection;  // handed to parse_cli, which knows -b/-X/-F
  auto bad = [&](const std::string& what) { return UsageError(command + ": " + what); };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto next = [&](const std::string& flag) -> std::string {
      if (i + 1 >= args.size()) throw bad(flag + " needs a value");
      return args[++i];
    };
    if (a == "-b" || a == "-X" || a == "-F") {
      connection.push_back(a);
      connection.push_back(next(a));
    } else if ((a.rfind("-b", 0) == 0 || a.rfind("-X", 0) == 0 || a.rfind("-F", 0) == 0) &&
               a.size() > 2 && a[1] != '-') {
      connection.push_back(a);  // -bhost:port, as getopt allows
    } else if (a == "-h" || a == "--help") {
      out.help = true;
    } else if (a == "--json" || a == "-J") {
      out.json = true;
    } else if (a == "-m" || a == "--timeout" || a.rfind("--timeout=", 0) == 0) {
      std::string v = a.size() > 10 && a[9] == '=' ? a.substr(10) : next(a);
      std::int64_t seconds = parse_int(a, v);
      if (seconds <= 0) throw bad(a + ": the timeout must be at least 1 second");
      out.timeout = std::chrono::seconds(seconds);
    } else if (a == "-q") {
      connection.push_back(a);
    } else if (a == "--") {
      for (++i; i < args.size(); ++i) out.positional.push_back(args[i]);
    } else if (a.rfind("--", 0) == 0) {
      std::string name = a.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const OptionSpec* spec = nullptr;
      for (const OptionSpec& o : options)
        if (o.name == name) spec = &o;
      if (spec == nullptr) throw bad("unknown option '" + a + "' (kafkit " + command + " -h)");
      if (spec->takes_value) {
        out.values[name].push_back(inline_value ? *inline_value : next(a));
      } else {
        if (inline_value) throw bad("--" + name + " takes no value");
        out.flags.insert(name);
      }
    } else if (a.size() > 1 && a[0] == '-' && !(a[1] >= '0' && a[1] <= '9')) {
      throw bad("unknown option '" + a + "' (kafkit " + command + " -h)");
    } else {
      out.positional.push_back(a);
    }
  }
  out.connection = parse_cli(connection);
  return out;
}

bool show_help(const AdminArgs& args, const char* usage) {
  if (!args.help) return false;
  std::cout << usage << kAdminCommonHelp;
  return true;
}

std::unique_ptr<Admin> make_admin(const AdminArgs& args) {
  if (!args.connection.config.get("bootstrap.servers"))
    throw UsageError(args.command +
                     ": no brokers: give -b host:port (or bootstrap.servers in -F/-X)");
  Config config = client_config(args.connection, Role::admin, std::cerr);
  return std::make_unique<Admin>(config);
}

std::string error_name(const ResourceError& e) {
  if (e.code == 0) return "NONE";
  if (e.code >= -1 && e.code < 32768 &&
      protocol::find_error_code(static_cast<std::int16_t>(e.code)) != nullptr)
    return std::string(protocol::error_name(static_cast<std::int16_t>(e.code)));
  return "";  // a local outcome (errc), not a Kafka error
}

std::string error_text(const ResourceError& e) {
  if (e.ok()) return "OK";
  std::string name = error_name(e);
  if (name.empty()) return e.message.empty() ? "error " + std::to_string(e.code) : e.message;
  // The Admin's messages usually start with the name already.
  if (e.message.empty() || e.message == name) return name;
  if (e.message.rfind(name, 0) == 0) return e.message;
  return name + ": " + e.message;
}

nlohmann::ordered_json error_json(const ResourceError& e) {
  if (e.ok()) return nullptr;
  std::string name = error_name(e);
  return {{"code", e.code},
          {"name", name.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(name)},
          {"message", e.message}};
}

void print_json(const nlohmann::ordered_json& doc) {
  std::cout << doc.dump() << '\n';
}

std::int64_t parse_int(const std::string& what, const std::string& text) {
  std::int64_t v = 0;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    throw UsageError(what + ": '" + text + "' is not a number");
  return v;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& i : items) {
    if (!out.empty()) out += sep;
    out += i;
  }
  return out;
}

std::string join_ids(const std::vector<std::int32_t>& ids) {
  std::string out;
  for (std::int32_t i : ids) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

}  // namespace kafkit::cli

namespace kafkit::cli {

namespace {

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601_ms(const std::string& text) {
  size_t i = 0;
  auto digits = [&](size_t n) -> std::optional<int> {
    if (i + n > text.size()) return std::nullopt;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = text[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i += n;
    return v;
  };
  auto expect = [&](char c) {
    if (i < text.size() && text[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  auto year = digits(4);
  if (!year || !expect('-')) return std::nullopt;
  auto month = digits(2);
  if (!month || !expect('-')) return std::nullopt;
  auto day = digits(2);
  if (!day || !(expect('T') || expect(' '))) return std::nullopt;
  auto hour = digits(2);
  if (!hour || !expect(':')) return std::nullopt;
  auto minute = digits(2);
  if (!minute) return std::nullopt;
  int second = 0, millis = 0;
  if (expect(':')) {
    auto s = digits(2);
    if (!s) return std::nullopt;
    second = *s;
    if (expect('.')) {
      int scale = 100, n = 0;
      while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
        millis += (text[i++] - '0') * scale;
        scale /= 10;
        ++n;
      }
      if (n == 0) return std::nullopt;
    }
  }
  std::int64_t zone_minutes = 0;
  if (i < text.size()) {
    if (text[i] == 'Z' || text[i] == 'z') {
      ++i;
    } else if (text[i] == '+' || text[i] == '-') {
      int sign = text[i++] == '-' ? -1 : 1;
      auto zh = digits(2);
      if (!zh) return std::nullopt;
      expect(':');
      auto zm = digits(2);
      if (!zm || *zh > 23 || *zm > 59) return std::nullopt;
      zone_minutes = sign * (*zh * 60 + *zm);
    }
  }
  if (i != text.size()) return std::nullopt;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*month < 1 || *month > 12 || *day < 1 || *day > kDays[*month - 1] || *hour > 23 ||
      *minute > 59 || second > 60)
    return std::nullopt;
  bool leap = (*year % 4 == 0 && *year % 100 != 0) || *year % 400 == 0;
  if (*month == 2 && *day == 29 && !leap) return std::nullopt;
  std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  std::int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + second - zone_minutes * 60;
  return seconds * 1000 + millis;
}

}  // namespace kafkit::cli
