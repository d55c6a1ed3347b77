#include "client/cluster/cluster_config.hpp"

#include "common/property_values.hpp"

namespace kafkit::client {

Result<std::vector<BootstrapServer>> parse_bootstrap_servers(std::string_view value) {
  std::vector<BootstrapServer> out;
  std::string_view rest = value;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    // Listener-style entries ("PLAINTEXT://host:port") are common in copied configs.
    if (auto scheme = item.find("://"); scheme != std::string_view::npos)
      item = item.substr(scheme + 3);
    if (item.empty()) return bad_property_value("bootstrap.servers", value, "host:port entries");
    BootstrapServer server;
    std::string_view port_text;
    if (item.front() == '[') {
      size_t close = item.find(']');
      if (close == std::string_view::npos)
        return bad_property_value("bootstrap.servers", value, "host:port entries");
      server.host = std::string(item.substr(1, close - 1));
      // Only ":port" may follow the bracket.
      if (close + 1 < item.size()) {
        if (item[close + 1] != ':' || close + 2 == item.size())
          return bad_property_value("bootstrap.servers", value, "[ipv6]:port entries");
        port_text = item.substr(close + 2);
      }
    } else if (size_t colon = item.rfind(':'); colon != std::string_view::npos) {
      server.host = std::string(item.substr(0, colon));
      port_text = item.substr(colon + 1);
      if (port_text.empty())
        return bad_property_value("bootstrap.servers", value, "host:port entries");
    } else {
      server.host = std::string(item);
    }
    if (!port_text.empty()) {
      auto port = parse_long_property("bootstrap.servers port", port_text, 1, 65535);
      if (!port) return port.error();
      server.port = static_cast<std::uint16_t>(*port);
    }
    if (server.host.empty())
      return bad_property_value("bootstrap.servers", value, "host:port entries");
    out.push_back(std::move(server));
  }
  if (out.empty()) return bad_property_value("bootstrap.servers", value, "host:port[,host:port]");
  return out;
}

}  // namespace kafkit::client
