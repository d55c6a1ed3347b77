#pragma once
// The `-J` envelope, one JSON object per message, exactly as kcat 1.7.1 writes it (its
// yajl generator: no spaces; " \ \b \f \n \r \t escaped, other bytes below 0x20 as
// \u00XX, everything else — '/', DEL, bytes that are not UTF-8 — written as they are):
//   {"topic":"t","partition":0,"offset":5,"tstype":"create","ts":1700000000000,
//    "broker":1,"headers":["h1","v1"],"key":"k","payload":"v"}
// "headers" appears only when the message has some (a null value is null); a null key or
// payload is null. kafkit's extension: with --encoding base64|hex the key, payload and
// header values are encoded and the object ends with "encoding":"base64" (or "hex"),
// which `kafkit -P -J` reads back.
#include <cstdint>
#include <string>
#include <string_view>

#include "cli_options.hpp"
#include "kafkit/consumer.hpp"
#include "kcat_text.hpp"  // append_json_string

namespace kafkit::cli {

/// Appends the envelope of `record` (no delimiter). `broker`: the id of the partition's
/// leader, which kcat reports as the broker the message came from.
void append_json_envelope(std::string& out, const ConsumerRecord& record, std::int32_t broker,
                          Encoding encoding);

}  // namespace kafkit::cli
