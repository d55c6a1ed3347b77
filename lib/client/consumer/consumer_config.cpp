#include "client/consumer/consumer_config.hpp"

#include <array>
#include <map>
#include <vector>

#include "client/cluster/cluster_properties.hpp"
#include "client/cluster/cluster_security.hpp"
#include "common/property_values.hpp"

namespace kafkit::client {
namespace {

using Setter = Result<void> (*)(ConsumerConfig&, std::string_view key, std::string_view value);

struct Property {
  PropertyInfo info;
  Setter set;
};

template <class T>
Result<void> set_number(T& field, std::string_view key, std::string_view value, int64_t min,
                        int64_t max) {
  auto v = parse_long_property(key, value, min, max);
  if (!v) return v.error();
  field = static_cast<T>(*v);
  return {};
}

Result<void> set_ms(std::chrono::milliseconds& field, std::string_view key, std::string_view value,
                    int64_t min, int64_t max = INT32_MAX) {
  auto v = parse_long_property(key, value, min, max);
  if (!v) return v.error();
  field = std::chrono::milliseconds(*v);
  return {};
}

Result<void> set_bool(bool& field, std::string_view key, std::string_view value) {
  auto v = parse_bool_property(key, value);
  if (!v) return v.error();
  field = *v;
  return {};
}

#define KAFKIT_SETTER(body)                                                   \
  []([[maybe_unused]] ConsumerConfig& c, [[maybe_unused]] std::string_view k, \
     [[maybe_unused]] std::string_view v) -> Result<void> { body; }

const std::array kProperties{
    Property{{"group.id", "", "Consumer group; needed for subscribe() and for commits"},
             KAFKIT_SETTER(c.group_id = std::string(v); return {})},
    Property{{"group.instance.id", "", "Static membership id (KIP-345); empty = dynamic"},
             KAFKIT_SETTER(if (v.empty()) c.group_instance_id.reset();
                           else c.group_instance_id = std::string(v); return {})},
    Property{{"session.timeout.ms", "45000",
              "A member not heard from for this long is removed from the group"},
             KAFKIT_SETTER(return set_ms(c.session_timeout, k, v, 1, 3600000))},
    Property{{"heartbeat.interval.ms", "3000", "Interval between group heartbeats"},
             KAFKIT_SETTER(return set_ms(c.heartbeat_interval, k, v, 1, 3600000))},
    Property{{"max.poll.interval.ms", "300000",
              "Longest time between poll() calls before the member leaves the group"},
             KAFKIT_SETTER(return set_ms(c.max_poll_interval, k, v, 1, 86400000))},
    Property{{"partition.assignment.strategy", "range,roundrobin",
              "Assignors in preference order: range, roundrobin, sticky, cooperative-sticky"},
             KAFKIT_SETTER(std::string s; std::string_view rest = v; while (!rest.empty()) {
               size_t comma = rest.find(',');
               std::string_view item = rest.substr(0, comma);
               rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
               while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
               while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
               // Java class names name the same assignors.
               if (auto dot = item.rfind('.'); dot != std::string_view::npos)
                 item = item.substr(dot + 1);
               std::string_view name;
               if (item == "range" || item == "RangeAssignor")
                 name = "range";
               else if (item == "roundrobin" || item == "RoundRobinAssignor")
                 name = "roundrobin";
               else if (item == "sticky" || item == "StickyAssignor")
                 name = "sticky";
               else if (item == "cooperative-sticky" || item == "CooperativeStickyAssignor")
                 name = "cooperative-sticky";
               else
                 return bad_property_value(k, v, "range, roundrobin, sticky, cooperative-sticky");
               if (!s.empty()) s += ',';
               s += name;
             } if (s.empty()) return bad_property_value(k, v, "at least one assignor");
                           c.assignment_strategy = std::move(s); return {})},
    Property{{"enable.auto.commit", "true",
              "Commit the positions poll() returned every auto.commit.interval.ms"},
             KAFKIT_SETTER(return set_bool(c.enable_auto_commit, k, v))},
    Property{{"auto.commit.interval.ms", "5000", "Interval between automatic commits"},
             KAFKIT_SETTER(return set_ms(c.auto_commit_interval, k, v, 0, 86400000))},
    Property{
        {"auto.offset.reset", "latest",
         "Where to start without a valid offset: earliest (smallest, beginning), latest "
         "(largest, end) or none (error)"},
        KAFKIT_SETTER(
            auto p = parse_choice_property(
                k, v,
                {"earliest", "smallest", "beginning", "latest", "largest", "end", "none", "error"});
            if (!p) return p.error(); if (*p == "earliest" || *p == "smallest" || *p == "beginning")
                                          c.auto_offset_reset = OffsetReset::earliest;
            else if (*p == "none" || *p == "error") c.auto_offset_reset = OffsetReset::none;
            else c.auto_offset_reset = OffsetReset::latest; return {})},
    Property{{"fetch.min.bytes", "1", "Bytes a broker waits for before answering a fetch"},
             KAFKIT_SETTER(return set_number(c.fetch_min_bytes, k, v, 1, 100000000))},
    Property{{"fetch.max.bytes", "52428800", "Most bytes one fetch response may carry"},
             KAFKIT_SETTER(return set_number(c.fetch_max_bytes, k, v, 0, 2147483135))},
    Property{{"fetch.max.wait.ms", "500", "Longest a broker holds a fetch for fetch.min.bytes"},
             KAFKIT_SETTER(return set_ms(c.fetch_max_wait, k, v, 0, 300000))},
    Property{{"fetch.wait.max.ms", "500", "Alias of fetch.max.wait.ms"}, nullptr},
    Property{{"max.partition.fetch.bytes", "1048576", "Most bytes per partition per fetch"},
             KAFKIT_SETTER(return set_number(c.max_partition_fetch_bytes, k, v, 1, 1000000000))},
    Property{{"fetch.message.max.bytes", "1048576", "Alias of max.partition.fetch.bytes"}, nullptr},
    Property{{"queued.max.messages.kbytes", "65536",
              "Budget in KiB for prefetched data over all partitions together"},
             KAFKIT_SETTER(auto r = set_number(c.queued_max_bytes, k, v, 1, 2097151);
                           c.queued_max_bytes *= 1024; return r)},
    Property{{"queued.min.messages", "100000", "Prefetch target in records per partition"},
             KAFKIT_SETTER(return set_number(c.queued_min_messages, k, v, 1, 10000000))},
    Property{{"max.poll.records", "500", "Most records one poll() returns"},
             KAFKIT_SETTER(return set_number(c.max_poll_records, k, v, 1, INT32_MAX))},
    Property{{"isolation.level", "read_committed",
              "read_committed (skip aborted transactions) or read_uncommitted"},
             KAFKIT_SETTER(
                 auto p = parse_choice_property(k, v, {"read_committed", "read_uncommitted"});
                 if (!p) return p.error(); c.read_committed = *p == "read_committed"; return {})},
    Property{{"check.crcs", "true", "Verify the CRC of every fetched batch"},
             KAFKIT_SETTER(return set_bool(c.check_crcs, k, v))},
    Property{{"enable.partition.eof", "false",
              "Tell the application when a partition's end is "
              "reached"},
             KAFKIT_SETTER(return set_bool(c.enable_partition_eof, k, v))},
    Property{{"client.rack", "", "Rack of this client (KIP-392 fetch from follower)"},
             KAFKIT_SETTER(c.client_rack = std::string(v); return {})},
    Property{{"request.timeout.ms", "30000", "How long a request may wait for its answer"},
             KAFKIT_SETTER(return set_ms(c.request_timeout, k, v, 1))},
    Property{{"socket.timeout.ms", "30000", "Alias of request.timeout.ms (librdkafka)"}, nullptr},
    Property{{"retry.backoff.ms", "100", "Wait before retrying a failed request"},
             KAFKIT_SETTER(auto r = set_ms(c.retry_backoff, k, v, 1, 300000);
                           c.cluster.metadata_retry_backoff = c.retry_backoff; return r)},
    Property{{"retry.backoff.max.ms", "1000", "Largest wait between retries"},
             KAFKIT_SETTER(return set_ms(c.retry_backoff_max, k, v, 1, 300000))},
    Property{{"fetch.error.backoff.ms", "500",
              "Wait before fetching a partition again after an "
              "error"},
             KAFKIT_SETTER(return set_ms(c.fetch_error_backoff, k, v, 0, 300000))},
    Property{
        {"allow.auto.create.topics", "false", "Let the consumer's metadata requests create topics"},
        KAFKIT_SETTER(return set_bool(c.cluster.allow_auto_create_topics, k, v))},
};

#undef KAFKIT_SETTER

const std::map<std::string_view, std::string_view> kAliases{
    {"fetch.wait.max.ms", "fetch.max.wait.ms"},
    {"fetch.message.max.bytes", "max.partition.fetch.bytes"},
    {"socket.timeout.ms", "request.timeout.ms"},
};

// Producer settings are common in shared config files; naming them helps more than
// "unknown".
constexpr std::array<std::string_view, 22> kProducerOnly{
    "acks",
    "request.required.acks",
    "linger.ms",
    "queue.buffering.max.ms",
    "batch.size",
    "batch.num.messages",
    "compression.type",
    "compression.codec",
    "compression.level",
    "enable.idempotence",
    "max.in.flight.requests.per.connection",
    "max.in.flight",
    "delivery.timeout.ms",
    "message.timeout.ms",
    "retries",
    "message.send.max.retries",
    "queue.buffering.max.messages",
    "queue.buffering.max.kbytes",
    "buffer.memory",
    "max.block.ms",
    "partitioner",
    "transactional.id",
};

const Property* find(std::string_view name) {
  if (auto a = kAliases.find(name); a != kAliases.end()) name = a->second;
  for (const Property& p : kProperties)
    if (p.info.name == name) return &p;
  return nullptr;
}

Result<void> check_combination(ConsumerConfig& c) {
  if (c.cluster.bootstrap.empty())
    return Error{errc::invalid_argument, "bootstrap.servers is required (host:port[,...])"};
  if (c.heartbeat_interval >= c.session_timeout)
    return Error{errc::invalid_argument,
                 "heartbeat.interval.ms must be lower than session.timeout.ms (" +
                     std::to_string(c.session_timeout.count()) + ")"};
  if (c.group_instance_id && c.group_id.empty())
    return Error{errc::invalid_argument, "group.instance.id needs group.id"};
  if (c.retry_backoff_max < c.retry_backoff) c.retry_backoff_max = c.retry_backoff;
  // A fetch parks at the broker for up to fetch.max.wait.ms: its answer must be awaited
  // longer than that.
  c.cluster.connection.connection.request_timeout =
      std::max(c.request_timeout, c.fetch_max_wait + std::chrono::milliseconds(5000));
  return {};
}

}  // namespace

Result<ConsumerConfig> ConsumerConfig::parse(const Config& config) {
  ConsumerConfig c;
  c.cluster.allow_auto_create_topics = false;
  for (const auto& [name, value] : config.entries()) {
    const Property* p = find(name);
    if (p == nullptr) {
      if (const ClusterProperty* shared = find_cluster_property(name)) {
        auto r = shared->set(c.cluster, name, value);
        if (!r) return r.error();
        continue;
      }
      for (auto producer : kProducerOnly)
        if (name == producer)
          return Error{errc::invalid_argument,
                       "property " + name + " is a producer setting; a consumer does not take it"};
      return Error{errc::invalid_argument,
                   "unknown consumer property " + name + " (Consumer::properties() lists them)"};
    }
    auto r = p->set(c, name, value);
    if (!r) return r.error();
  }
  auto r = check_combination(c);
  if (!r) return r.error();
  if (auto sec = finish_cluster_security(c.cluster, config); !sec) return sec.error();
  return c;
}

std::span<const PropertyInfo> consumer_properties() noexcept {
  static const auto infos = with_cluster_properties(kProperties);
  return infos;
}

}  // namespace kafkit::client
