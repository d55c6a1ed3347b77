#include "broker/topic_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>

#include "broker/kafka_error.hpp"
#include "broker/producer_state/producer_snapshot.hpp"
#include "broker/topic_config.hpp"
#include "broker/topic_name.hpp"

namespace kafkit::broker {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTopicsDir = ".kafkit-topics";
// While producer state changes, a snapshot is written this often, bounding the log replay
// after a crash (producer_snapshot.hpp).
constexpr int64_t kProducerSnapshotIntervalMs = 5000;

std::string to_hex(const protocol::Uuid& id) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (uint8_t b : id.bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

std::optional<protocol::Uuid> from_hex(std::string_view s) {
  if (s.size() != 32) return std::nullopt;
  protocol::Uuid id;
  for (size_t i = 0; i < 16; ++i) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return id;
}

std::string join(const std::vector<int32_t>& v) {
  std::string s;
  for (int32_t x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
  return s;
}

// Writes `text` to `path` atomically: temporary file, fsync, rename, fsync of the directory.
Result<void> write_atomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error{errc::io, "cannot write " + tmp.string()};
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    return Error{errc::io, "cannot write " + path.string()};
  int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

}  // namespace

protocol::Uuid random_uuid(protocol::RandomSource& random) {
  protocol::Uuid id;
  do {
    for (size_t i = 0; i < 16; i += 8) {
      uint64_t v = random.next();
      for (size_t j = 0; j < 8; ++j) id.bytes[i + j] = static_cast<uint8_t>(v >> (8 * j));
    }
  } while (id.is_zero());
  return id;
}

TopicStore::TopicStore(BrokerConfig config, std::vector<int32_t> node_ids)
    : config_(std::move(config)),
      node_ids_(std::move(node_ids)),
      dir_(config_.data_dir),
      random_(static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) ^
              static_cast<uint64_t>(::getpid())) {}

Result<std::unique_ptr<TopicStore>> TopicStore::open(const BrokerConfig& config,
                                                     std::vector<int32_t> node_ids,
                                                     int64_t now_ms) {
  std::unique_ptr<TopicStore> store(new TopicStore(config, std::move(node_ids)));
  std::error_code ec;
  fs::create_directories(store->dir_ / kTopicsDir, ec);
  if (ec)
    return Error{errc::io,
                 "cannot create data directory " + store->dir_.string() + ": " + ec.message()};
  fs::path meta = store->dir_ / "meta.properties";
  if (fs::exists(meta)) {
    auto props = load_properties(meta.string());
    if (!props) return props.error();
    store->cluster_id_ = (*props)["cluster.id"];
  }
  if (!config.cluster_id.empty() && !store->cluster_id_.empty() &&
      config.cluster_id != store->cluster_id_)
    return Error{errc::invalid_argument, "cluster.id " + config.cluster_id + " does not match " +
                                             store->cluster_id_ + " in " + meta.string()};
  if (store->cluster_id_.empty()) {
    store->cluster_id_ =
        config.cluster_id.empty() ? random_uuid(store->random_).to_string() : config.cluster_id;
    if (auto r = write_atomically(meta, "version=1\ncluster.id=" + store->cluster_id_ + "\n"); !r)
      return r.error();
  }
  auto ids = ProducerIdAllocator::open(store->dir_);
  if (!ids) return ids.error();
  store->producer_ids_ = std::move(*ids);
  store->last_producer_snapshot_ms_ = now_ms;
  for (const auto& entry : fs::directory_iterator(store->dir_ / kTopicsDir, ec)) {
    if (entry.path().extension() != ".properties") continue;
    if (auto r = store->load(entry.path(), now_ms); !r) return r.error();
  }
  if (ec) return Error{errc::io, "cannot list " + (store->dir_ / kTopicsDir).string()};
  return store;
}

fs::path TopicStore::partition_dir(std::string_view topic, int32_t partition) const {
  return dir_ / (std::string(topic) + "-" + std::to_string(partition));
}

fs::path TopicStore::topic_file(std::string_view topic) const {
  return dir_ / kTopicsDir / (std::string(topic) + ".properties");
}

Topic* TopicStore::find(std::string_view name) {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

Topic* TopicStore::find(const protocol::Uuid& id) {
  for (auto& [name, t] : topics_)
    if (t.id == id) return &t;
  return nullptr;
}

std::vector<int32_t> TopicStore::assign_replicas(int32_t partition, int16_t rf,
                                                 int32_t start) const {
  std::vector<int32_t> replicas;
  size_t n = node_ids_.size();
  for (int16_t i = 0; i < rf; ++i)
    replicas.push_back(node_ids_[(static_cast<size_t>(start) + static_cast<size_t>(partition) +
                                  static_cast<size_t>(i)) %
                                 n]);
  return replicas;
}

Result<void> TopicStore::save(const Topic& t) const {
  std::string text =
      "topic.id=" + to_hex(t.id) + "\npartitions=" + std::to_string(t.partitions.size()) + "\n";
  for (const Partition& p : t.partitions)
    text += "replicas." + std::to_string(p.index) + "=" + join(p.replicas) + "\n";
  for (const auto& [k, v] : t.configs) text += "config." + k + "=" + v + "\n";
  return write_atomically(topic_file(t.name), text);
}

Result<void> TopicStore::open_partition(Topic& t, Partition& p, int64_t now_ms) {
  auto log = PartitionLog::open(partition_dir(t.name, p.index),
                                make_log_config(t.configs, config_.properties), now_ms);
  if (!log) return log.error();
  p.log = std::move(*log);
  for (const std::string& note : p.log->recovery_notes())
    recovery_notes_.push_back(t.name + "-" + std::to_string(p.index) + ": " + note);
  std::vector<std::string> notes;
  auto producers = load_producer_state(partition_dir(t.name, p.index), *p.log, now_ms,
                                       config_.producer_id_expiration_ms, notes);
  if (!producers) return producers.error();
  p.producers = std::move(*producers);
  for (const std::string& note : notes)
    recovery_notes_.push_back(t.name + "-" + std::to_string(p.index) + ": " + note);
  p.leader = p.replicas.empty() ? -1 : p.replicas.front();
  return {};
}

Result<void> TopicStore::load(const fs::path& file, int64_t now_ms) {
  auto props = load_properties(file.string());
  if (!props) return props.error();
  Topic t;
  t.name = file.stem().string();
  auto bad = [&](std::string what) { return Error{errc::malformed, file.string() + ": " + what}; };
  auto id = from_hex((*props)["topic.id"]);
  if (!id) return bad("bad topic.id");
  t.id = *id;
  auto count = parse_long_property("partitions", (*props)["partitions"], 1, 1000000);
  if (!count) return bad(count.error().message);
  for (const auto& [k, v] : *props)
    if (k.starts_with("config.")) t.configs[k.substr(7)] = v;
  for (int32_t i = 0; i < *count; ++i) {
    Partition p;
    p.index = i;
    std::string_view rest = (*props)["replicas." + std::to_string(i)];
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      auto node = parse_long_property("replica", rest.substr(0, comma), 0, INT32_MAX);
      if (!node) return bad(node.error().message);
      p.replicas.push_back(static_cast<int32_t>(*node));
      rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    }
    // A node that no longer exists (the cluster was restarted smaller) loses its replicas.
    std::erase_if(p.replicas, [&](int32_t n) {
      return std::find(node_ids_.begin(), node_ids_.end(), n) == node_ids_.end();
    });
    if (p.replicas.empty()) p.replicas = assign_replicas(i, 1, 0);
    if (auto r = open_partition(t, p, now_ms); !r) return r.error();
    t.partitions.push_back(std::move(p));
  }
  std::string name = t.name;
  topics_.emplace(std::move(name), std::move(t));
  return {};
}

Result<Topic*> TopicStore::create(std::string_view name, int32_t partitions, int16_t rf,
                                  const Properties& configs, bool validate_only, int64_t now_ms) {
  if (auto reason = invalid_topic_name_reason(name))
    return kafka_error(ErrorCode::InvalidTopicException, *reason);
  if (find(name) != nullptr)
    return kafka_error(ErrorCode::TopicAlreadyExists,
                       "Topic '" + std::string(name) + "' already exists.");
  if (partitions == -1) partitions = config_.num_partitions;
  if (rf == -1) rf = config_.default_replication_factor;
  if (partitions <= 0 || partitions > 100000)
    return kafka_error(
        ErrorCode::InvalidPartitions,
        "Number of partitions must be larger than 0, got " + std::to_string(partitions) + ".");
  if (rf <= 0)
    return kafka_error(ErrorCode::InvalidReplicationFactor,
                       "Replication factor must be larger than 0, got " + std::to_string(rf) + ".");
  if (static_cast<size_t>(rf) > node_ids_.size())
    return kafka_error(ErrorCode::InvalidReplicationFactor,
                       "Unable to replicate the partition " + std::to_string(rf) +
                           " time(s): The target replication factor of " + std::to_string(rf) +
                           " cannot be reached because only " + std::to_string(node_ids_.size()) +
                           " broker(s) are registered.");
  for (const auto& [k, v] : configs)
    if (auto r = validate_topic_config(k, v); !r)
      return kafka_error(ErrorCode::InvalidConfig, r.error().message);
  if (validate_only) return static_cast<Topic*>(nullptr);

  Topic t;
  t.name = std::string(name);
  t.id = random_uuid(random_);
  t.configs = configs;
  int32_t start = static_cast<int32_t>(random_.below(node_ids_.size()));
  for (int32_t i = 0; i < partitions; ++i) {
    Partition p;
    p.index = i;
    p.replicas = assign_replicas(i, rf, start);
    // A leftover directory of a topic deleted while the broker was down is not this topic.
    std::error_code ec;
    fs::remove_all(partition_dir(name, i), ec);
    if (auto r = open_partition(t, p, now_ms); !r) return r.error();
    t.partitions.push_back(std::move(p));
  }
  if (auto r = save(t); !r) return r.error();
  auto [it, inserted] = topics_.emplace(t.name, std::move(t));
  return &it->second;
}

Result<void> TopicStore::remove(std::string_view name) {
  auto it = topics_.find(name);
  if (it == topics_.end())
    return kafka_error(ErrorCode::UnknownTopicOrPartition,
                       "This server does not host this topic-partition.");
  if (!config_.delete_topic_enable)
    return kafka_error(ErrorCode::TopicDeletionDisabled, "Topic deletion is disabled.");
  std::error_code ec;
  fs::remove(topic_file(name), ec);
  if (ec) return Error{errc::io, "cannot remove " + topic_file(name).string()};
  for (Partition& p : it->second.partitions) {
    if (p.log) (void)p.log->close();
    p.log.reset();
    fs::remove_all(partition_dir(name, p.index), ec);
  }
  topics_.erase(it);
  return {};
}

Result<void> TopicStore::add_partitions(std::string_view name, int32_t count, bool validate_only,
                                        int64_t now_ms) {
  Topic* t = find(name);
  if (t == nullptr)
    return kafka_error(ErrorCode::UnknownTopicOrPartition,
                       "The topic '" + std::string(name) + "' does not exist.");
  auto current = static_cast<int32_t>(t->partitions.size());
  if (count < current)
    return kafka_error(ErrorCode::InvalidPartitions,
                       "The topic " + std::string(name) + " currently has " +
                           std::to_string(current) + " partition(s); " + std::to_string(count) +
                           " would not be an increase.");
  if (count == current)
    return kafka_error(ErrorCode::InvalidPartitions,
                       "Topic already has " + std::to_string(current) + " partition(s).");
  if (count > 100000)
    return kafka_error(ErrorCode::InvalidPartitions, "Too many partitions requested.");
  if (validate_only) return {};
  auto rf = static_cast<int16_t>(t->partitions.front().replicas.size());
  int32_t start = static_cast<int32_t>(random_.below(node_ids_.size()));
  for (int32_t i = current; i < count; ++i) {
    Partition p;
    p.index = i;
    p.replicas = assign_replicas(i, rf, start);
    std::error_code ec;
    fs::remove_all(partition_dir(name, i), ec);
    if (auto r = open_partition(*t, p, now_ms); !r) return r.error();
    t->partitions.push_back(std::move(p));
  }
  return save(*t);
}

Result<void> TopicStore::set_configs(std::string_view name, Properties configs) {
  Topic* t = find(name);
  if (t == nullptr)
    return kafka_error(ErrorCode::UnknownTopicOrPartition,
                       "The topic '" + std::string(name) + "' does not exist.");
  t->configs = std::move(configs);
  LogConfig lc = make_log_config(t->configs, config_.properties);
  for (Partition& p : t->partitions) p.log->set_config(lc);
  return save(*t);
}

void TopicStore::maintain(int64_t now_ms) {
  bool snapshot = now_ms - last_producer_snapshot_ms_ >= kProducerSnapshotIntervalMs;
  if (snapshot) last_producer_snapshot_ms_ = now_ms;
  for (auto& [name, t] : topics_)
    for (Partition& p : t.partitions) {
      if (!p.log) continue;
      (void)p.log->maintain(now_ms);
      p.producers.expire(now_ms, config_.producer_id_expiration_ms);
      int64_t end = p.log->log_end_offset();
      if (snapshot && p.producers.snapshot_due(end) &&
          save_producer_snapshot(partition_dir(name, p.index), p.producers, end, false))
        p.producers.mark_saved(end);
    }
}

void TopicStore::close() {
  for (auto& [name, t] : topics_)
    for (Partition& p : t.partitions) {
      if (!p.log) continue;
      int64_t end = p.log->log_end_offset();
      // The log is flushed first so the snapshot never claims data the disk lacks.
      if (p.log->close() && p.producers.snapshot_due(end))
        (void)save_producer_snapshot(partition_dir(name, p.index), p.producers, end, true);
    }
}

}  // namespace kafkit::broker
