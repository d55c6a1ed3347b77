// kcat's wording of errors and its JSON string escaping, which -L and -Q output rely on to
// be byte-identical to kcat 1.7.1 (checked against real kcat by cli-metadata).
#include <doctest/doctest.h>

#include <string>

#include "kcat_text.hpp"

namespace kafkit::cli {
namespace {

TEST_CASE("kcat_error_text: librdkafka's wording for the codes -L and -Q show") {
  CHECK(kcat_error_text(3) == "Broker: Unknown topic or partition");
  CHECK(kcat_error_text(5) == "Broker: Leader not available");
  CHECK(kcat_error_text(6) == "Broker: Not leader for partition");
  CHECK(kcat_error_text(kLocalUnknownPartition) == "Local: Unknown partition");
  CHECK(kcat_error_text(kLocalTimedOut) == "Local: Timed out");
  // Outside the table: the Kafka name, still one readable phrase.
  CHECK(kcat_error_text(36) == "Broker: TOPIC_ALREADY_EXISTS");
}

TEST_CASE("append_json_string escapes as yajl does") {
  std::string out;
  append_json_string(out, "a\"b\\c/d\n\t\x01");
  CHECK(out == "\"a\\\"b\\\\c/d\\n\\t\\u0001\"");
  out.clear();
  append_json_string(out, "h\xc3\xa9");  // UTF-8 bytes pass through
  CHECK(out == "\"h\xc3\xa9\"");
}

}  // namespace
}  // namespace kafkit::cli
