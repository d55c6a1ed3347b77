#include "broker/producer_state/producer_snapshot.hpp"

#include <sstream>

#include "broker/producer_state/state_file.hpp"
#include "broker/storage/partition_log.hpp"

namespace kafkit::broker {
namespace {

constexpr const char* kFileName = "producer-state.snapshot";
constexpr const char* kMagic = "kafkit-producer-state 1";
// How much of the log one replay step reads.
constexpr size_t kReplayChunk = 1 << 20;

// FNV-1a: enough to tell a torn or hand-edited snapshot from an intact one.
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

Error damaged(const std::string& why) {
  return Error{errc::malformed, "producer-state snapshot " + why};
}

}  // namespace

std::string encode_producer_snapshot(const ProducerStateTable& table, int64_t offset) {
  std::ostringstream out;
  out << kMagic << "\noffset " << offset << "\n";
  for (const auto& [pid, e] : table.entries()) {
    out << "p " << pid << ' ' << e.epoch << ' ' << e.last_timestamp << ' ' << e.batches.size();
    for (const ProducerBatch& b : e.batches)
      out << ' ' << b.first_seq << ' ' << b.last_seq << ' ' << b.first_offset << ' '
          << b.last_offset << ' ' << b.timestamp;
    out << '\n';
  }
  std::string body = out.str();
  return body + "end " + std::to_string(fnv1a(body)) + "\n";
}

Result<std::pair<ProducerStateTable, int64_t>> decode_producer_snapshot(const std::string& text) {
  size_t end_at = text.rfind("end ");
  if (end_at == std::string::npos || (end_at != 0 && text[end_at - 1] != '\n'))
    return damaged("has no end line");
  std::string body = text.substr(0, end_at);
  if (text.substr(end_at) != "end " + std::to_string(fnv1a(body)) + "\n")
    return damaged("checksum does not match");
  std::istringstream in(body);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) return damaged("has an unknown format");
  std::string word;
  int64_t offset = -1;
  if (!std::getline(in, line) || !(std::istringstream(line) >> word >> offset) ||
      word != "offset" || offset < 0)
    return damaged("has no offset");
  ProducerStateTable table;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    int64_t pid = -1;
    ProducerEntry e;
    size_t n = 0;
    if (!(ls >> word >> pid >> e.epoch >> e.last_timestamp >> n) || word != "p" || pid < 0 ||
        n > ProducerStateTable::kBatchesKept)
      return damaged("has a bad producer line");
    for (size_t i = 0; i < n; ++i) {
      ProducerBatch b;
      if (!(ls >> b.first_seq >> b.last_seq >> b.first_offset >> b.last_offset >> b.timestamp))
        return damaged("has a bad batch");
      e.batches.push_back(b);
    }
    table.put(pid, std::move(e));
  }
  table.mark_saved(offset);
  return std::make_pair(std::move(table), offset);
}

Result<void> save_producer_snapshot(const std::filesystem::path& partition_dir,
                                    const ProducerStateTable& table, int64_t offset, bool durable) {
  return replace_file(partition_dir / kFileName, encode_producer_snapshot(table, offset), durable);
}

Result<ProducerStateTable> load_producer_state(const std::filesystem::path& partition_dir,
                                               PartitionLog& log, int64_t now_ms,
                                               int64_t expiration_ms,
                                               std::vector<std::string>& notes) {
  ProducerStateTable table;
  int64_t from = log.log_start_offset();
  const int64_t end = log.log_end_offset();
  auto text = read_small_file(partition_dir / kFileName);
  if (!text) return text.error();
  if (*text) {
    auto snap = decode_producer_snapshot(**text);
    if (!snap) {
      notes.push_back(snap.error().message + "; rebuilding producer state from the log");
    } else if (snap->second > end) {
      // The log lost its unflushed tail in a crash after the snapshot was taken.
      notes.push_back("producer-state snapshot at offset " + std::to_string(snap->second) +
                      " is ahead of the log end " + std::to_string(end) +
                      "; rebuilding producer state from the log");
    } else {
      table = std::move(snap->first);
      from = std::max(from, snap->second);
    }
  }
  while (from < end) {
    const int64_t before = from;
    auto read = log.read(from, kReplayChunk, true);
    if (!read) return read.error();
    protocol::ByteView rest(read->records);
    if (rest.empty()) break;
    while (!rest.empty()) {
      auto h = protocol::parse_batch_header(rest);
      // Recovery already validated the log; a short read here just ends this chunk.
      if (!h || h->size_in_bytes() > rest.size() || h->batch_length <= 0) break;
      rest = rest.subspan(h->size_in_bytes());
      // Batches wholly before `from` are already in the snapshot.
      if (h->last_offset() < from) continue;
      if (h->producer_id >= 0 && !h->is_control())
        table.record(*h, h->base_offset, h->last_offset(), h->max_timestamp);
      from = h->next_offset();
    }
    if (from == before) break;  // no progress (damaged batch): stop rather than spin
  }
  table.expire(now_ms, expiration_ms);
  return table;
}

}  // namespace kafkit::broker
