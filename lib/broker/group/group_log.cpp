#include "broker/group/group_log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "protocol/codec/crc32c.hpp"
#include "protocol/reader.hpp"
#include "protocol/writer.hpp"

namespace kafkit::broker {
namespace fs = std::filesystem;
namespace {

constexpr const char* kDir = ".kafkit-groups";
constexpr const char* kFile = "groups.log";
constexpr size_t kFrameHeader = 8;
constexpr uint8_t kFormat = 0;
// A frame larger than this is not something append() wrote: the length field is garbage.
constexpr uint32_t kMaxFramePayload = 256u << 20;
// Compaction writes the live records in frames of about this size.
constexpr size_t kCompactedFrameBytes = 1 << 20;

uint32_t load_u32(const std::byte* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void store_u32(std::byte* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = std::byte(v >> (24 - 8 * i));
}

}  // namespace

// ---- Batch ----

void GroupLog::Batch::put_offset(std::string group, std::string topic, int32_t partition,
                                 CommittedOffset value) {
  records_.push_back(
      {Type::offset, std::move(group), std::move(topic), partition, std::move(value), {}});
}

void GroupLog::Batch::delete_offset(std::string group, std::string topic, int32_t partition) {
  records_.push_back(
      {Type::offset_tombstone, std::move(group), std::move(topic), partition, {}, {}});
}

void GroupLog::Batch::put_group_metadata(std::string group, protocol::Bytes value) {
  records_.push_back({Type::group, std::move(group), {}, 0, {}, std::move(value)});
}

void GroupLog::Batch::delete_group_metadata(std::string group) {
  records_.push_back({Type::group_tombstone, std::move(group), {}, 0, {}, {}});
}

namespace {

template <class R>
void encode_record(protocol::Writer& w, const R& r, uint8_t type) {
  w.i8(static_cast<int8_t>(type));
  w.string(r.group, true);
  switch (type) {
    case 1:
      w.string(r.topic, true);
      w.i32(r.partition);
      w.i64(r.offset.offset);
      w.i32(r.offset.leader_epoch);
      w.string(r.offset.metadata, true);
      w.i64(r.offset.commit_timestamp_ms);
      w.i64(r.offset.expire_timestamp_ms);
      break;
    case 2:
      w.string(r.topic, true);
      w.i32(r.partition);
      break;
    case 3:
      w.bytes(r.value, true);
      break;
    default:
      break;
  }
}

size_t varint_len(size_t n) {
  return protocol::uvarint_size(n + 1) + n;
}

// Encoded size of a live offset / group record (what compaction writes for it).
int64_t offset_record_size(std::string_view group, std::string_view topic,
                           const CommittedOffset& v) {
  return static_cast<int64_t>(1 + varint_len(group.size()) + varint_len(topic.size()) + 4 + 8 + 4 +
                              varint_len(v.metadata.size()) + 8 + 8);
}

int64_t group_record_size(std::string_view group, const protocol::Bytes& value) {
  return static_cast<int64_t>(1 + varint_len(group.size()) + varint_len(value.size()));
}

// Frames `payload_records` (already encoded, `count` of them) into `out`.
void frame(protocol::Bytes& out, const protocol::Bytes& records, uint32_t count) {
  protocol::Bytes payload;
  payload.reserve(records.size() + 6);
  protocol::Writer w(payload);
  w.i8(static_cast<int8_t>(kFormat));
  w.uvarint(count);
  w.raw(records);
  size_t at = out.size();
  out.resize(at + kFrameHeader);
  store_u32(out.data() + at, static_cast<uint32_t>(payload.size()));
  store_u32(out.data() + at + 4, protocol::crc32c(payload));
  out.insert(out.end(), payload.begin(), payload.end());
}

}  // namespace

// ---- GroupLog ----

Result<std::unique_ptr<GroupLog>> GroupLog::open(const fs::path& data_dir, Options options) {
  std::error_code ec;
  fs::create_directories(data_dir / kDir, ec);
  if (ec)
    return Error{errc::io, "cannot create " + (data_dir / kDir).string() + ": " + ec.message()};
  std::unique_ptr<GroupLog> log(new GroupLog(data_dir / kDir / kFile, options));
  // A compaction interrupted before its rename leaves a temporary file: the log itself
  // is still whole.
  fs::path tmp = log->path_;
  tmp += ".tmp";
  if (auto r = remove_file(tmp); !r) return r.error();
  auto file = FileHandle::open(log->path_, true);
  if (!file) return file.error();
  log->file_ = std::move(*file);
  if (auto r = log->replay(); !r) return r.error();
  return log;
}

GroupLog::~GroupLog() {
  close();
}

Result<void> GroupLog::replay() {
  auto size = file_.size();
  if (!size) return size.error();
  int64_t pos = 0;
  std::string torn;  // why the tail is cut, empty when the file is whole
  protocol::Bytes payload;
  while (pos < *size) {
    if (*size - pos < static_cast<int64_t>(kFrameHeader)) {
      torn = "a frame header cut short";
      break;
    }
    std::byte header[kFrameHeader];
    if (auto r = file_.read_exact(pos, header); !r) return r.error();
    uint32_t length = load_u32(header);
    uint32_t crc = load_u32(header + 4);
    if (length > kMaxFramePayload) {
      torn = "a frame length of " + std::to_string(length) + " bytes";
      break;
    }
    if (*size - pos - static_cast<int64_t>(kFrameHeader) < static_cast<int64_t>(length)) {
      torn = "a frame cut short";
      break;
    }
    payload.resize(length);
    if (auto r = file_.read_exact(pos + static_cast<int64_t>(kFrameHeader), payload); !r)
      return r.error();
    if (protocol::crc32c(payload) != crc) {
      torn = "a CRC mismatch";
      break;
    }
    // Parse the whole frame before applying any of it: a frame is all or nothing.
    protocol::Reader r(payload);
    uint8_t format = static_cast<uint8_t>(r.i8("format"));
    uint32_t count = r.uvarint("count");
    std::vector<Batch::Record> records;
    if (r.ok() && format != kFormat) r.fail("unknown format", "format");
    for (uint32_t i = 0; r.ok() && i < count; ++i) {
      Batch::Record rec;
      auto type = static_cast<uint8_t>(r.i8("type"));
      rec.group = r.string(true, "group");
      if (type == 1 || type == 2) {
        rec.topic = r.string(true, "topic");
        rec.partition = r.i32("partition");
      }
      if (type == 1) {
        rec.offset.offset = r.i64("offset");
        rec.offset.leader_epoch = r.i32("leader_epoch");
        rec.offset.metadata = r.string(true, "metadata");
        rec.offset.commit_timestamp_ms = r.i64("commit_timestamp");
        rec.offset.expire_timestamp_ms = r.i64("expire_timestamp");
      } else if (type == 3) {
        rec.value = r.bytes(true, "value");
      } else if (type != 2 && type != 4) {
        r.fail("unknown record type", "type");
      }
      rec.type = static_cast<Batch::Type>(type);
      records.push_back(std::move(rec));
    }
    if (r.ok() && !r.at_end()) r.fail("trailing bytes", "frame");
    if (!r.ok()) {
      torn = "a frame that does not parse (" + r.error().message + ")";
      break;
    }
    for (Batch::Record& rec : records) apply(rec);
    pos += static_cast<int64_t>(kFrameHeader + length);
  }
  if (!torn.empty()) {
    notes_.push_back(path_.string() + ": truncated at byte " + std::to_string(pos) + " of " +
                     std::to_string(*size) + " (" + torn + ")");
    if (auto r = file_.truncate(pos); !r) return r.error();
    if (auto r = file_.sync(); !r) return r.error();
  }
  file_bytes_ = pos;
  return {};
}

void GroupLog::apply(Batch::Record& rec) {
  switch (rec.type) {
    case Batch::Type::offset:
    case Batch::Type::offset_tombstone: {
      auto g = offsets_.find(rec.group);
      if (g != offsets_.end()) {
        auto t = g->second.find(rec.topic);
        if (t != g->second.end()) {
          auto p = t->second.find(rec.partition);
          if (p != t->second.end()) {
            live_bytes_ -= offset_record_size(rec.group, rec.topic, p->second);
            t->second.erase(p);
            if (t->second.empty()) g->second.erase(t);
            if (g->second.empty()) offsets_.erase(g);
          }
        }
      }
      if (rec.type == Batch::Type::offset) {
        live_bytes_ += offset_record_size(rec.group, rec.topic, rec.offset);
        offsets_[rec.group][rec.topic][rec.partition] = std::move(rec.offset);
      }
      break;
    }
    case Batch::Type::group:
    case Batch::Type::group_tombstone: {
      auto g = groups_.find(rec.group);
      if (g != groups_.end()) {
        live_bytes_ -= group_record_size(rec.group, g->second);
        groups_.erase(g);
      }
      if (rec.type == Batch::Type::group) {
        live_bytes_ += group_record_size(rec.group, rec.value);
        groups_.emplace(rec.group, std::move(rec.value));
      }
      break;
    }
  }
}

Result<void> GroupLog::append(Batch batch) {
  if (batch.empty()) return {};
  if (!file_.is_open()) return Error{errc::io, path_.string() + " is closed"};
  protocol::Bytes records;
  protocol::Writer w(records);
  for (const Batch::Record& r : batch.records_) encode_record(w, r, static_cast<uint8_t>(r.type));
  protocol::Bytes out;
  frame(out, records, static_cast<uint32_t>(batch.records_.size()));
  if (auto r = file_.write_all(file_bytes_, out); !r) {
    // Cut off whatever part did reach the file: a partial frame in the middle of the log
    // would hide every later frame from the next replay.
    (void)file_.truncate(file_bytes_);
    return r.error();
  }
  file_bytes_ += static_cast<int64_t>(out.size());
  for (Batch::Record& r : batch.records_) apply(r);
  // The batch is durable whatever happens to the compaction; a failed one is retried once
  // the file has grown by half again.
  if (compaction_due()) {
    if (auto r = compact(); !r) {
      notes_.push_back("compaction of " + path_.string() + " failed: " + r.error().message);
      retry_compaction_at_ = file_bytes_ + file_bytes_ / 2;
    }
  }
  return {};
}

Result<void> GroupLog::append_group_metadata(std::string group, protocol::Bytes value) {
  Batch b;
  b.put_group_metadata(std::move(group), std::move(value));
  return append(std::move(b));
}

Result<void> GroupLog::append_group_tombstone(std::string group) {
  Batch b;
  b.delete_group_metadata(std::move(group));
  return append(std::move(b));
}

const GroupOffsets* GroupLog::group_offsets(std::string_view group) const {
  auto it = offsets_.find(group);
  return it == offsets_.end() ? nullptr : &it->second;
}

bool GroupLog::compaction_due() const {
  return file_bytes_ > options_.min_compaction_bytes && file_bytes_ >= retry_compaction_at_ &&
         static_cast<double>(file_bytes_) >
             options_.compaction_ratio * static_cast<double>(live_bytes_);
}

Result<void> GroupLog::flush() {
  if (!file_.is_open()) return {};
  return file_.sync();
}

Result<void> GroupLog::compact() {
  if (!file_.is_open()) return Error{errc::io, path_.string() + " is closed"};
  fs::path tmp = path_;
  tmp += ".tmp";
  auto out = FileHandle::open(tmp, true);
  if (!out) return out.error();
  if (auto r = out->truncate(0); !r) return r.error();
  int64_t written = 0;
  protocol::Bytes records;
  uint32_t count = 0;
  auto flush_frame = [&]() -> Result<void> {
    if (count == 0) return {};
    protocol::Bytes buf;
    frame(buf, records, count);
    if (auto r = out->write_all(written, buf); !r) return r.error();
    written += static_cast<int64_t>(buf.size());
    records.clear();
    count = 0;
    return {};
  };
  protocol::Writer w(records);
  Batch::Record rec;
  for (const auto& [group, metadata] : groups_) {
    rec.group = group;
    rec.value = metadata;
    encode_record(w, rec, static_cast<uint8_t>(Batch::Type::group));
    ++count;
    if (records.size() >= kCompactedFrameBytes)
      if (auto r = flush_frame(); !r) return r.error();
  }
  rec.value.clear();
  for (const auto& [group, topics] : offsets_) {
    for (const auto& [topic, partitions] : topics) {
      for (const auto& [partition, value] : partitions) {
        rec.group = group;
        rec.topic = topic;
        rec.partition = partition;
        rec.offset = value;
        encode_record(w, rec, static_cast<uint8_t>(Batch::Type::offset));
        ++count;
        if (records.size() >= kCompactedFrameBytes)
          if (auto r = flush_frame(); !r) return r.error();
      }
    }
  }
  if (auto r = flush_frame(); !r) return r.error();
  if (auto r = out->sync(); !r) return r.error();
  out->close();
  if (::rename(tmp.c_str(), path_.c_str()) != 0) {
    int err = errno;
    (void)remove_file(tmp);
    return io_error(path_, "rename compacted log over", err);
  }
  if (auto r = sync_directory(path_.parent_path()); !r) return r.error();
  auto reopened = FileHandle::open(path_, false);
  if (!reopened) return reopened.error();
  file_ = std::move(*reopened);
  file_bytes_ = written;
  retry_compaction_at_ = 0;
  return {};
}

void GroupLog::close() {
  if (!file_.is_open()) return;
  (void)file_.sync();
  file_.close();
}

}  // namespace kafkit::broker
