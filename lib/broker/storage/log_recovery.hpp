#pragma once
// Loading a segment when a log is opened: work out its in-memory state from the .log,
// check its indexes against it, and — after an unclean shutdown — validate every batch and
// cut the file at the first one that is torn or corrupt (Kafka's LogSegment.recover()).
//
// Every segment's batch headers are scanned on open (61 bytes per batch, buffered): that
// gives the next offset and largest timestamp exactly, and lets a clean segment's indexes be
// checked entry by entry against real batch boundaries, so a missing or damaged index is
// rebuilt instead of silently steering reads to the wrong bytes. CRCs are only checked for
// segments after the recovery point of an unclean shutdown, as Kafka does; data before it
// was fsynced.
#include <cstdint>
#include <string>

#include "broker/storage/log_config.hpp"
#include "broker/storage/segment.hpp"
#include "common/result.hpp"

namespace kafkit::broker {

struct SegmentLoad {
  /// Bytes at the end of the .log were cut off: the log must end with this segment.
  bool truncated = false;
  bool indexes_rebuilt = false;
  /// What was found (file, byte position, reason), for the broker's log; empty if nothing.
  std::string note;
};

/// Loads `segment`. Batches must have offsets from the segment's base (and increasing)
/// and below `offset_limit` (the next segment's base offset). With `verify_crc` each
/// batch's CRC-32C is checked and the indexes are rebuilt unconditionally. Only I/O
/// failures are errors; bad bytes are cut off and reported in the result.
Result<SegmentLoad> load_segment(Segment& segment, const LogConfig& config, bool verify_crc,
                                 int64_t offset_limit);

}  // namespace kafkit::broker
