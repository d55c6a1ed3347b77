// PartitionLogImpl::load(): opening a partition directory. Follows Kafka's LogLoader:
// clear leftovers of interrupted operations, load every segment in offset order (checking
// CRCs from the recovery point on after an unclean shutdown), cut the log at the first bad
// batch and drop everything after it, then reconcile the log start offset checkpoint.
#include <algorithm>
#include <limits>
#include <system_error>

#include "broker/storage/checkpoint_file.hpp"
#include "broker/storage/log_recovery.hpp"
#include "broker/storage/partition_log_impl.hpp"

namespace kafkit::broker {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Reads a checkpoint, treating a damaged file as absent (with a note): both checkpoints
/// have safe fallbacks (log start: the first segment; recovery point: recover everything).
int64_t read_checkpoint_or(const std::filesystem::path& path, int64_t fallback,
                           std::vector<std::string>& notes) {
  auto value = read_checkpoint(path);
  if (!value) {
    notes.push_back(value.error().message + "; using " + std::to_string(fallback));
    return fallback;
  }
  return value->value_or(fallback);
}

}  // namespace

Result<void> PartitionLogImpl::load(int64_t now_ms) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Error{errc::io, dir_.string() + ": cannot create directory: " + ec.message()};

  const bool clean = std::filesystem::exists(dir_ / log_files::clean_shutdown, ec);
  const int64_t checkpoint_start =
      read_checkpoint_or(dir_ / log_files::log_start_offset, 0, notes_);
  const int64_t checkpoint_recovery =
      clean ? std::numeric_limits<int64_t>::max()
            : read_checkpoint_or(dir_ / log_files::recovery_point, 0, notes_);

  // Segment files, and leftovers: temporary checkpoint files and index files without a
  // .log (Kafka deletes these "orphan" indexes too).
  std::vector<int64_t> bases;
  std::vector<std::filesystem::path> indexes;
  for (auto it = std::filesystem::directory_iterator(dir_, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (auto base = parse_segment_file_name(name, ".log")) {
      bases.push_back(*base);
    } else if (parse_segment_file_name(name, ".index") ||
               parse_segment_file_name(name, ".timeindex")) {
      indexes.push_back(it->path());
    } else if (ends_with(name, ".tmp")) {
      if (auto r = remove_file(it->path()); !r) return r;
    }
  }
  if (ec) return Error{errc::io, dir_.string() + ": cannot list directory: " + ec.message()};
  std::sort(bases.begin(), bases.end());
  for (const auto& index : indexes) {
    std::string stem = index.stem().string();
    if (!std::binary_search(bases.begin(), bases.end(),
                            parse_segment_file_name(stem + ".log", ".log").value_or(-1))) {
      notes_.push_back("removed orphan index " + index.string());
      if (auto r = remove_file(index); !r) return r;
    }
  }

  for (size_t i = 0; i < bases.size(); ++i) {
    const int64_t limit = i + 1 < bases.size() ? bases[i + 1] : std::numeric_limits<int64_t>::max();
    auto segment = Segment::open(dir_, bases[i], now_ms);
    if (!segment) return segment.error();
    // Kafka recovers the segments from the one holding the recovery point on.
    const bool verify = !clean && limit > checkpoint_recovery;
    auto loaded = load_segment(**segment, config_, verify, limit);
    if (!loaded) return loaded.error();
    if (!loaded->note.empty()) notes_.push_back(loaded->note);
    if (verify) {  // what was read back may still be only in the page cache
      if (auto r = (*segment)->sync(); !r) return r;
    }
    segments_.emplace(bases[i], std::move(*segment));
    if (loaded->truncated) {
      // Nothing after a cut may survive: it would follow a gap in the log.
      for (size_t j = i + 1; j < bases.size(); ++j) {
        auto later = Segment::open(dir_, bases[j], now_ms);
        if (!later) return later.error();
        if (auto r = (*later)->remove_files(); !r) return r;
        notes_.push_back("deleted segment " + segment_file_name(bases[j], ".log") + " of " +
                         dir_.string() + " after the truncation");
      }
      break;
    }
  }

  if (segments_.empty()) {
    auto segment = Segment::create(dir_, checkpoint_start, now_ms);
    if (!segment) return segment.error();
    segments_.emplace(checkpoint_start, std::move(*segment));
  }
  log_start_ = std::max(checkpoint_start, segments_.begin()->first);
  if (log_start_ > log_end_offset()) {
    // The log lost its tail below a DeleteRecords point: Kafka's LogLoader then drops all
    // segments and starts an empty log at the checkpointed log start.
    notes_.push_back(dir_.string() + ": log end " + std::to_string(log_end_offset()) +
                     " is below the log start " + std::to_string(log_start_) +
                     "; starting an empty log there");
    for (auto& [base, segment] : segments_)
      if (auto r = segment->remove_files(); !r) return r;
    segments_.clear();
    auto segment = Segment::create(dir_, log_start_, now_ms);
    if (!segment) return segment.error();
    segments_.emplace(log_start_, std::move(*segment));
  }
  if (auto r = delete_segments_below_log_start(); !r) return r;

  // Whatever was recovered is now on disk (fsynced above or before the clean shutdown).
  recovery_point_ = log_end_offset();
  first_unflushed_ms_ = now_ms;
  if (auto r = persist_recovery_point(); !r) return r;
  if (log_start_ != checkpoint_start)
    if (auto r = persist_log_start(); !r) return r;
  // From here on a crash is an unclean shutdown.
  if (auto r = remove_file(dir_ / log_files::clean_shutdown); !r) return r;
  return sync_directory(dir_);
}

}  // namespace kafkit::broker
