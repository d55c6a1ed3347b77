// Compile-only check: instantiates every member of TypedProducer for a few key/value and
// serializer kinds, so that a body that does not compile fails the build even though no test
// can run a Producer yet. Built as a static library, which is never linked, because the
// Producer's definitions are not on this branch; once they are, exercise these in a test.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kafkit/json_serializer.hpp"
#include "kafkit/typed_producer.hpp"

namespace {
struct Upper {
  std::string operator()(std::string_view, const std::string& s) const { return s; }
};
}  // namespace

template class kafkit::TypedProducer<std::string, std::string>;
template class kafkit::TypedProducer<std::string_view, std::vector<std::byte>>;
template class kafkit::TypedProducer<std::int64_t, double>;
template class kafkit::TypedProducer<std::optional<std::string>, std::optional<std::int32_t>>;
template class kafkit::TypedProducer<std::string, nlohmann::json>;
template class kafkit::TypedProducer<std::string, std::string, Upper, Upper>;
