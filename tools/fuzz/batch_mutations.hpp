#pragma once
// Record batches (v2) for Produce cases: valid ones, and ones with a bad CRC, bad lengths,
// huge record counts, or a compressed payload that expands far beyond the broker's limit
// (a decompression bomb: a few hundred KiB on the wire).
#include <string>

#include "protocol/random_source.hpp"
#include "protocol/types.hpp"

namespace kafkit::fuzz {

struct BatchCase {
  std::string mutation;
  protocol::Bytes batch;
};

class BatchMutator {
 public:
  /// Compresses the bomb payloads once (~0.5 s).
  BatchMutator();
  /// A random, usually broken, record batch; deterministic in `g`.
  BatchCase next(protocol::RandomSource& g) const;

 private:
  protocol::Bytes gzip_bomb_;
  protocol::Bytes zstd_bomb_;
};

/// Recomputes the CRC-32C of a v2 batch (attributes to end) in place.
void fix_batch_crc(protocol::Bytes& batch) noexcept;

}  // namespace kafkit::fuzz
