#pragma once
// ChunkDecoder: turns a FetchedChunk into ConsumerRecords on the application thread, one
// batch at a time, as poll() asks for them (the I/O thread never decompresses or checks a
// CRC). It verifies CRC-32C (check.crcs), decompresses, skips records below the fetch
// offset (a broker returns the first batch whole, KIP-74), and under read_committed skips
// the batches of aborted transactions and every control batch (KIP-98): the Fetch response
// lists each aborted transaction's producer id and first offset; a transactional batch of
// such a producer at or after that offset is dropped until its ABORT marker is seen.
//
// A corrupt batch (CRC mismatch, bad compression, broken framing) is reported as an error
// and ends the chunk before it, with corrupt() set: the consumer drops what it prefetched
// and fetches from next_offset() again (after fetch.error.backoff.ms), as Java's consumer
// does, since damage in transit must not cost records. A log that is corrupt on the broker
// then repeats the error until the application seeks past it.
//
// Threading: one thread at a time (the consumer's poll()).
#include <cstddef>
#include <memory>
#include <set>
#include <vector>

#include "client/consumer/fetched_chunk.hpp"
#include "kafkit/consumer.hpp"
#include "protocol/records/record_batch_reader.hpp"

namespace kafkit::client {

class ChunkDecoder {
 public:
  ChunkDecoder(std::shared_ptr<const FetchedChunk> chunk, bool verify_crc);

  /// Appends up to `max` records to `out`; errors found on the way go to `errors`.
  /// Returns how many records were appended.
  std::size_t decode(std::size_t max, std::vector<ConsumerRecord>& out, std::vector<Error>& errors);
  /// Every record of the chunk was handed out (or skipped).
  bool done() const noexcept { return done_ && next_record_ == pending_.size(); }
  /// The offset after the last record handed out or batch skipped; the chunk's fetch
  /// offset before any.
  std::int64_t next_offset() const noexcept { return next_offset_; }
  const FetchedChunk& chunk() const noexcept { return *chunk_; }
  /// The chunk ended at a corrupt batch; next_offset() is where to fetch again.
  bool corrupt() const noexcept { return corrupt_; }

 private:
  /// Decodes the next batch worth handing out into pending_; false at the end.
  bool load_batch(std::vector<Error>& errors);
  bool skip_for_transaction(const protocol::RecordBatchHeader& header);

  std::shared_ptr<const FetchedChunk> chunk_;
  protocol::RecordsReader reader_;
  std::vector<ConsumerRecord> pending_;  // the current batch's records
  std::size_t next_record_ = 0;
  std::int64_t batch_end_ = -1;  // the current batch's next offset
  std::int64_t next_offset_ = 0;
  std::size_t next_aborted_ = 0;         // chunk_->aborted[next_aborted_...] not yet active
  std::set<std::int64_t> aborted_pids_;  // producers inside an aborted transaction
  bool done_ = false;
  bool corrupt_ = false;
};

}  // namespace kafkit::client
