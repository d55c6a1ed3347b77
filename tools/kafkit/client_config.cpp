#include "client_config.hpp"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <set>
#include <span>

#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "kafkit/producer.hpp"

namespace kafkit::cli {
namespace {

std::span<const PropertyInfo> properties_of(Role role) {
  switch (role) {
    case Role::producer:
      return Producer::properties();
    case Role::consumer:
      return Consumer::properties();
    case Role::admin:
      return Admin::properties();
  }
  return {};
}

bool knows(Role role, std::string_view name) {
  auto props = properties_of(role);
  return std::any_of(props.begin(), props.end(),
                     [&](const PropertyInfo& p) { return p.name == name; });
}

const char* role_name(Role role) {
  switch (role) {
    case Role::producer:
      return "producer";
    case Role::consumer:
      return "consumer";
    case Role::admin:
      return "admin";
  }
  return "";
}

}  // namespace

Config client_config(const CliOptions& options, Role role, std::ostream& warnings) {
  Config out;
  for (const auto& [name, value] : options.config.entries()) {
    if (knows(role, name)) {
      out.set(name, value);
      continue;
    }
    std::string owners;
    for (Role other : {Role::producer, Role::consumer, Role::admin})
      if (knows(other, name))
        owners += std::string(owners.empty() ? "" : " and ") + role_name(other);
    if (owners.empty())
      throw UsageError("-X " + name + ": no kafkit client knows this property (kafkit -X list)");
    if (options.verbosity > 0)
      warnings << "kafkit: warning: " << name << " is a " << owners << " property; the "
               << role_name(role) << " ignores it\n";
  }
  return out;
}

void print_properties(std::ostream& out) {
  // One row per name; a property two clients share is listed once, under the first.
  std::set<std::string_view> shown;
  for (Role role : {Role::producer, Role::consumer, Role::admin}) {
    out << "# " << role_name(role) << " properties\n";
    out << std::left << std::setw(40) << "Property" << std::setw(16) << "Default"
        << "Description\n";
    for (const auto& p : properties_of(role)) {
      if (!shown.insert(p.name).second) continue;
      std::string def = p.default_value.empty() ? "-" : std::string(p.default_value);
      out << std::left << std::setw(40) << p.name << std::setw(16) << def << p.description << "\n";
    }
    out << "\n";
  }
}

}  // namespace kafkit::cli
