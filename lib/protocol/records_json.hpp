#pragma once
// How a RECORDS field prints as JSON (kafkit-dump, to_json): its batches decoded, with every
// record's offset, timestamp, key, value and headers, whatever the codec.
#include "common/json_writer.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {

/// Writes {"batches":[...]} for the batches in `records`. Bytes that are printable UTF-8
/// text are shown as a JSON string, anything else as {"base64": "..."}. A batch that does
/// not decode ends the list with {"error": ..., "base64": rest}; a partial batch at the
/// end (as Fetch responses may carry) is shown as "incomplete_tail": its size.
void records_to_json(JsonWriter& j, ByteView records);

/// Writes `b` as a string when it is printable UTF-8 text, else as {"base64": "..."}.
void bytes_to_json(JsonWriter& j, ByteView b);

}  // namespace kafkit::protocol
