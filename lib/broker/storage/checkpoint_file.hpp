#pragma once
// A checkpoint: one offset a partition log must remember across restarts (its log start
// offset after DeleteRecords or retention, its recovery point), in a small text file in
// the partition directory. Kafka keeps these per log directory for all partitions
// (log-start-offset-checkpoint, recovery-point-offset-checkpoint); a file per partition
// lets a log be opened on its own. Format: "0\n<offset>\n" (a version line first, as
// Kafka's checkpoint files have).
//
// Written atomically: to `<name>.tmp`, fsynced, renamed over the old file, and the
// directory fsynced, so a crash leaves either the old or the new value.
#include <cstdint>
#include <filesystem>
#include <optional>

#include "common/result.hpp"

namespace kafkit::broker {

/// The stored value; nullopt when the file does not exist. A file that is not a valid
/// checkpoint is an error naming it (the caller decides whether to fall back).
Result<std::optional<int64_t>> read_checkpoint(const std::filesystem::path& path);

Result<void> write_checkpoint(const std::filesystem::path& path, int64_t value);

}  // namespace kafkit::broker
