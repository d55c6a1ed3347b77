#pragma once
// FetchedChunk: one partition's part of a Fetch response, as the fetcher hands it to
// poll(): the raw RECORDS bytes (decoded later, on the application thread) and what the
// broker said about the partition.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/messages/fetch.hpp"
#include "protocol/types.hpp"

namespace kafkit::client {

/// KIP-98: a transaction of `producer_id` that was aborted, whose first record in this
/// partition is at `first_offset`.
struct AbortedTxn {
  std::int64_t producer_id = -1;
  std::int64_t first_offset = 0;
};

struct FetchedChunk {
  std::string topic;
  std::int32_t partition = 0;
  /// The offset the fetch asked for: records below it (earlier records of the first
  /// batch, which brokers return whole) are skipped.
  std::int64_t fetch_offset = 0;
  protocol::Bytes records;
  /// Sorted by first_offset (read_committed only).
  std::vector<AbortedTxn> aborted;
  bool read_committed = false;
  std::int64_t high_watermark = -1;
  std::int64_t last_stable_offset = -1;
  std::int64_t log_start_offset = -1;
  /// Where the next fetch starts: next_fetch_offset(records), found once by
  /// make_fetched_chunk.
  std::int64_t next_fetch_offset = 0;
  /// Bytes charged to the FetchBudget, given back when the chunk is done.
  std::size_t budget_bytes = 0;
  /// The partition's seek epoch when the fetch was sent: a chunk from before a seek is
  /// dropped unread.
  std::uint64_t seek_epoch = 0;
};

/// Where the batch (v2) or legacy entry starting at `pos` of `records` ends, and the
/// offset after it; nullopt when fewer bytes than the whole batch remain (the partial
/// batch a broker may end a response with) or the framing is nonsense.
struct BatchExtent {
  std::size_t size = 0;
  std::int64_t next_offset = 0;
};
std::optional<BatchExtent> batch_extent(protocol::ByteView records, std::size_t pos) noexcept;

/// The highest offset after a whole batch of `records` (where the next fetch starts);
/// nullopt when there is none.
std::optional<std::int64_t> next_fetch_offset(protocol::ByteView records) noexcept;

/// One partition's data of a Fetch response as the chunk poll() decodes, for a fetch from
/// `fetch_offset` (the records are moved out of `data`); nullptr when the data holds no
/// whole batch ending past `fetch_offset` (the end of the partition, or only a partial
/// batch). The fetcher resumes at chunk->next_fetch_offset. Pure, so that it can be
/// fed hostile responses directly (tests/fuzz/client).
std::shared_ptr<FetchedChunk> make_fetched_chunk(std::string topic, std::int32_t partition,
                                                 std::int64_t fetch_offset, bool read_committed,
                                                 protocol::FetchResponse::PartitionData& data);

}  // namespace kafkit::client
