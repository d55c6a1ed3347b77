#pragma once
// Small state files of the broker's data directory (producer id blocks, producer-state
// snapshots): written whole to a temporary name and renamed over the old file, so a reader
// finds the old or the new content, never a mix. A leftover "<name>.tmp" is ignored (the
// log loader removes those in partition directories).
#include <filesystem>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace kafkit::broker {

/// Replaces `path` with `text`. With `durable`, the file and its directory are fsynced
/// before this returns (the content must survive a power loss, not just a crash).
Result<void> replace_file(const std::filesystem::path& path, const std::string& text, bool durable);

/// The whole file; nullopt when it does not exist; an error when it cannot be read.
Result<std::optional<std::string>> read_small_file(const std::filesystem::path& path);

}  // namespace kafkit::broker
