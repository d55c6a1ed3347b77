#pragma once
// Producer-state snapshots and their recovery: how a partition's ProducerStateTable
// survives a restart.
//
// A snapshot (<partition dir>/producer-state.snapshot) is the table as of a log offset S
// (the log end when it was taken): after a clean shutdown S is the log end and loading is
// O(producers). Otherwise (a crash, or no snapshot yet) the batches from S — or from the
// log start when the snapshot is missing, damaged or ahead of the recovered log — are
// replayed from their headers, as Kafka's loadProducersFromLog does. The broker takes a
// snapshot at clean close and every few seconds while the state changes, which bounds the
// replay after a crash to what was written in the last few seconds. Only without any
// snapshot (the first start on a data directory of an older kafkit) is the whole log read,
// once: start-up time then grows with the log, the price of needing no other format.
//
// A snapshot keeps entries whose batches retention or DeleteRecords removed since (they
// expire by time only, as in Kafka); a replay from the log start cannot know them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "broker/producer_state/producer_state_table.hpp"
#include "common/result.hpp"

namespace kafkit::broker {

class PartitionLog;

/// Writes `table` as the state at log offset `offset`. `durable` fsyncs (clean shutdown);
/// periodic snapshots skip it: a lost or torn one only means a longer replay.
Result<void> save_producer_snapshot(const std::filesystem::path& partition_dir,
                                    const ProducerStateTable& table, int64_t offset, bool durable);

/// The snapshot text and its parser (exposed for tests).
std::string encode_producer_snapshot(const ProducerStateTable& table, int64_t offset);
/// The table and its offset; an error when the text is not a whole, intact snapshot.
Result<std::pair<ProducerStateTable, int64_t>> decode_producer_snapshot(const std::string& text);

/// Rebuilds a partition's table: snapshot, then replay of the log after it, then expiry.
/// `notes` gets a line when a snapshot had to be ignored.
Result<ProducerStateTable> load_producer_state(const std::filesystem::path& partition_dir,
                                               PartitionLog& log, int64_t now_ms,
                                               int64_t expiration_ms,
                                               std::vector<std::string>& notes);

}  // namespace kafkit::broker
