// The -J envelope. Expected text was checked against kcat 1.7.1 (yajl) on the same
// messages.
#include "json_envelope.hpp"

#include <doctest/doctest.h>

#include <array>

namespace kafkit::cli {

TEST_CASE("json: kcat's envelope, field order and null / absent fields") {
  std::array<Header, 2> headers{Header{"h1", "a"}, Header{"h2", std::nullopt}};
  ConsumerRecord r;
  r.topic = "t1";
  r.partition = 0;
  r.offset = 3;
  r.timestamp = 1795674729692;
  r.key = "k4";
  r.value = "v";
  r.headers = headers;
  std::string out;
  append_json_envelope(out, r, 1, Encoding::none);
  CHECK(out == R"({"topic":"t1","partition":0,"offset":3,"tstype":"create","ts":1795674729692,)"
               R"("broker":1,"headers":["h1","a","h2",null],"key":"k4","payload":"v"})");
  r.headers = {};
  r.key = std::nullopt;
  r.value = std::nullopt;
  r.timestamp_type = TimestampType::log_append_time;
  out.clear();
  append_json_envelope(out, r, 1, Encoding::none);
  CHECK(out == R"({"topic":"t1","partition":0,"offset":3,"tstype":"logappend","ts":1795674729692,)"
               R"("broker":1,"key":null,"payload":null})");
}

TEST_CASE("json: string escaping as yajl does it") {
  std::string out;
  // Control bytes as \u00XX in upper case, " \ \b \f \n \r \t short, '/' DEL and
  // non-UTF-8 bytes as they are (kcat: "hello\u0001\x7f\xff\"\\/\b\f").
  append_json_string(out, std::string_view("A\x1b\x1f"
                                           "B\x00"
                                           "C\x01\x7f\xff\"\\/\b\f\n\r\t",
                                           17));
  CHECK(out == std::string("\"A\\u001B\\u001FB\\u0000C\\u0001\x7f\xff\\\"\\\\/\\b\\f\\n\\r\\t\""));
}

TEST_CASE("json: --encoding encodes key, payload and header values and says so last") {
  std::array<Header, 1> headers{Header{"h", std::string_view("\x00", 1)}};
  ConsumerRecord r;
  r.topic = "t";
  r.partition = 1;
  r.offset = 0;
  r.timestamp = 5;
  r.key = std::nullopt;
  r.value = std::string_view("\xff\x00", 2);
  r.headers = headers;
  std::string out;
  append_json_envelope(out, r, 2, Encoding::base64);
  CHECK(out == R"({"topic":"t","partition":1,"offset":0,"tstype":"create","ts":5,"broker":2,)"
               R"("headers":["h","AA=="],"key":null,"payload":"/wA=","encoding":"base64"})");
}

}  // namespace kafkit::cli
