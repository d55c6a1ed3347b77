#include "client/cluster/cluster_tls.hpp"

#include <memory>
#include <string>

#include "common/property_values.hpp"
#include "net/tls/tls_context.hpp"
#include "net/tls/tls_transport.hpp"

namespace kafkit::client {

bool is_tls_property(std::string_view key) noexcept {
  return net::tls::is_tls_string_property(key) || key == "ssl.endpoint.identification.algorithm" ||
         key == "enable.ssl.certificate.verification";
}

Result<void> set_tls_property(ClusterConfig& c, std::string_view key, std::string_view value) {
  if (net::tls::set_tls_string_property(c.tls, key, value)) return {};
  if (key == "ssl.endpoint.identification.algorithm") {
    // Java accepts "" for none; librdkafka "none".
    if (value == "https" || value == "HTTPS") {
      c.tls.verify_hostname = true;
    } else if (value == "none" || value.empty()) {
      c.tls.verify_hostname = false;
    } else {
      return bad_property_value(key, value, "https or none");
    }
    return {};
  }
  if (key == "enable.ssl.certificate.verification") {
    auto v = parse_bool_property(key, value);
    if (!v) return v.error();
    c.tls.verify_certificate = *v;
    return {};
  }
  return Error{errc::invalid_argument, "unknown TLS property " + std::string(key)};
}

Result<void> apply_tls(ClusterConfig& c) {
  if (!uses_tls(c.security_protocol)) return {};
  auto context = net::tls::TlsContext::client(c.tls);
  if (!context) return context.error();
  c.connection.make_transport =
      [ctx = std::move(*context)](
          net::UniqueFd fd,
          const net::Address& address) -> Result<std::unique_ptr<net::Transport>> {
    auto t = net::tls::TlsTransport::client(ctx, std::move(fd), address.host, address.to_string());
    if (!t) return t.error();
    return std::unique_ptr<net::Transport>(std::move(*t));
  };
  return {};
}

}  // namespace kafkit::client
