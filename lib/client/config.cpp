// kafkit::Config's file loading (the rest of Config is inline).
#include "kafkit/config.hpp"

#include "common/properties.hpp"

namespace kafkit {

Result<void> Config::load_file(const std::string& path) {
  auto props = load_properties(path);
  if (!props) return props.error();
  for (auto& [name, value] : *props) entries_[name] = value;
  return {};
}

}  // namespace kafkit
