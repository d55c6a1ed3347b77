#pragma once
// ProducerIdAllocator: hands out producer ids (KIP-98) that are unique across every node of
// the cluster and across restarts. Like Kafka's ProducerIdManager it reserves ids in
// blocks: the end of the current block is written durably to
// <data dir>/producer-ids.properties before any id of the block is given out, and a
// restart continues after that end. A crash wastes the rest of a block, never reuses an id.
//
// Owned by the broker's loop thread; not thread-safe.
#include <cstdint>
#include <filesystem>
#include <memory>

#include "common/result.hpp"

namespace kafkit::broker {

class ProducerIdAllocator {
 public:
  static constexpr int64_t kBlockSize = 1000;

  /// Reads the reserved high-water mark from `data_dir` (none yet: ids start at 0).
  static Result<std::unique_ptr<ProducerIdAllocator>> open(const std::filesystem::path& data_dir);

  /// The next id; an I/O error when a new block cannot be reserved on disk.
  Result<int64_t> next();

 private:
  explicit ProducerIdAllocator(std::filesystem::path file) : file_(std::move(file)) {}

  std::filesystem::path file_;
  int64_t next_ = 0;       // the next id to hand out
  int64_t block_end_ = 0;  // first id not reserved on disk
};

}  // namespace kafkit::broker
