#include "broker/group/offset_store.hpp"

#include <algorithm>

#include "protocol/messages/error_codes.hpp"

namespace kafkit::broker {
namespace {

using protocol::ErrorCode;

int16_t code(ErrorCode e) {
  return static_cast<int16_t>(e);
}

constexpr int16_t kFirstGroupIdNotFoundVersion = 9;

// Java's String.length() of a UTF-8 string: UTF-16 code units, two for a code point above
// U+FFFF (a 4-byte sequence). Continuation bytes add nothing.
size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (char ch : s) {
    auto b = static_cast<unsigned char>(ch);
    if ((b & 0xC0) != 0x80) ++n;
    if (b >= 0xF0) ++n;
  }
  return n;
}

}  // namespace

OffsetStore::OffsetStore(GroupLog& log, OffsetStoreConfig config, Logger logger)
    : log_(log), config_(config), logger_(std::move(logger)) {}

int16_t OffsetStore::check_commit(std::string_view group, std::string_view member_id,
                                  int32_t generation,
                                  const std::optional<std::string>& group_instance_id,
                                  int16_t version) const {
  if (has_members(group))
    return membership_->check_commit(group, member_id, generation, group_instance_id);
  // No members: the group is Empty, or unknown and created as a "simple" group by this
  // commit. Without a generation the commit is accepted whatever member id it names.
  if (generation < 0) return 0;
  // A generation names a member the group does not have.
  if (has_offsets(group)) return code(ErrorCode::UnknownMemberId);
  // The membership side knows Empty groups that have no offsets yet.
  int16_t e = membership_ != nullptr
                  ? membership_->check_commit(group, member_id, generation, group_instance_id)
                  : code(ErrorCode::IllegalGeneration);
  // Kafka answers a commit with a generation to a group that does not exist with
  // ILLEGAL_GENERATION before v9 and GROUP_ID_NOT_FOUND from v9 (OffsetMetadataManager).
  if (e == code(ErrorCode::IllegalGeneration) && version >= kFirstGroupIdNotFoundVersion)
    e = code(ErrorCode::GroupIdNotFound);
  return e;
}

bool OffsetStore::metadata_too_large(const std::optional<std::string>& metadata) const {
  return metadata && utf16_length(*metadata) > static_cast<size_t>(config_.metadata_max_bytes);
}

Result<void> OffsetStore::commit(std::string_view group, std::vector<Commit> commits) {
  GroupLog::Batch batch;
  for (Commit& c : commits)
    batch.put_offset(std::string(group), std::move(c.topic), c.partition, std::move(c.value));
  return log_.append(std::move(batch));
}

const CommittedOffset* OffsetStore::find(std::string_view group, std::string_view topic,
                                         int32_t partition) const {
  const GroupOffsets* g = log_.group_offsets(group);
  if (g == nullptr) return nullptr;
  auto t = g->find(topic);
  if (t == g->end()) return nullptr;
  auto p = t->second.find(partition);
  return p == t->second.end() ? nullptr : &p->second;
}

int16_t OffsetStore::check_delete(std::string_view group) const {
  if (has_members(group)) {
    // Kafka refuses a non-empty group unless it is a consumer group, whose subscriptions
    // decide per topic (GROUP_SUBSCRIBED_TO_TOPIC).
    if (membership_->subscribed_topics(group).empty()) return code(ErrorCode::NonEmptyGroup);
    return 0;
  }
  if (!has_offsets(group)) return code(ErrorCode::GroupIdNotFound);
  return 0;
}

bool OffsetStore::subscribed(std::string_view group, std::string_view topic) const {
  if (!has_members(group)) return false;
  std::vector<std::string> topics = membership_->subscribed_topics(group);
  return std::find(topics.begin(), topics.end(), topic) != topics.end();
}

Result<void> OffsetStore::delete_offsets(
    std::string_view group, const std::vector<std::pair<std::string, int32_t>>& partitions) {
  GroupLog::Batch batch;
  for (const auto& tp : partitions)
    if (find(group, tp.first, tp.second) != nullptr)
      batch.delete_offset(std::string(group), tp.first, tp.second);
  return log_.append(std::move(batch));
}

Result<void> OffsetStore::on_topic_deleted(std::string_view topic) {
  GroupLog::Batch batch;
  for (const auto& [group, topics] : log_.offsets()) {
    auto t = topics.find(topic);
    if (t == topics.end()) continue;
    for (const auto& entry : t->second) batch.delete_offset(group, std::string(topic), entry.first);
  }
  return log_.append(std::move(batch));
}

size_t OffsetStore::expire(int64_t now_ms) {
  GroupLog::Batch batch;
  for (const auto& [group, topics] : log_.offsets()) {
    if (has_members(group)) {
      last_seen_with_members_ms_[group] = now_ms;
      continue;
    }
    int64_t empty_since = -1;
    if (auto it = last_seen_with_members_ms_.find(group); it != last_seen_with_members_ms_.end())
      empty_since = it->second;
    for (const auto& [topic, partitions] : topics) {
      for (const auto& [partition, value] : partitions) {
        bool expired =
            value.expire_timestamp_ms >= 0
                ? now_ms >= value.expire_timestamp_ms
                : now_ms - std::max(value.commit_timestamp_ms, empty_since) >= config_.retention_ms;
        if (expired) batch.delete_offset(group, topic, partition);
      }
    }
  }
  // Groups that lost their offsets need no memory of when they had members.
  for (auto it = last_seen_with_members_ms_.begin(); it != last_seen_with_members_ms_.end();)
    it = has_offsets(it->first) ? std::next(it) : last_seen_with_members_ms_.erase(it);
  size_t n = batch.size();
  if (n == 0) return 0;
  if (auto r = log_.append(std::move(batch)); !r) {
    note("offset expiry failed: " + r.error().message);
    return 0;
  }
  note("expired " + std::to_string(n) + " committed offset(s) past offsets.retention.minutes");
  return n;
}

bool OffsetStore::has_offsets(std::string_view group) const {
  return log_.group_offsets(group) != nullptr;
}

std::vector<std::string> OffsetStore::groups_with_offsets() const {
  std::vector<std::string> out;
  out.reserve(log_.offsets().size());
  for (const auto& entry : log_.offsets()) out.push_back(entry.first);
  return out;
}

void OffsetStore::delete_group_offsets(std::string_view group) {
  const GroupOffsets* offsets = log_.group_offsets(group);
  if (offsets == nullptr) return;
  GroupLog::Batch batch;
  for (const auto& [topic, partitions] : *offsets)
    for (const auto& entry : partitions)
      batch.delete_offset(std::string(group), topic, entry.first);
  if (auto r = log_.append(std::move(batch)); !r)
    note("cannot delete the offsets of group " + std::string(group) + ": " + r.error().message);
}

}  // namespace kafkit::broker
