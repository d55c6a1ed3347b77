#include "client/producer/producer_config.hpp"

#include <array>
#include <functional>
#include <map>
#include <vector>

#include "client/cluster/cluster_properties.hpp"
#include "client/cluster/cluster_security.hpp"
#include "common/property_values.hpp"

namespace kafkit::client {
namespace {

using Setter = Result<void> (*)(ProducerConfig&, std::string_view key, std::string_view value);

struct Property {
  PropertyInfo info;
  Setter set;
};

// Numbers through one helper so every range error reads the same.
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
  []([[maybe_unused]] ProducerConfig& c, [[maybe_unused]] std::string_view k, \
     [[maybe_unused]] std::string_view v) -> Result<void> { body; }

// The table is the documentation too (`kafkit -X list`), so descriptions say what a user
// needs to choose a value.
const std::array kProperties{
    Property{{"acks", "all", "Acknowledgements the leader waits for: 0, 1, all (-1)"},
             KAFKIT_SETTER(if (v == "all" || v == "-1") {
               c.acks = -1;
               return {};
             } return set_number(c.acks, k, v, 0, 1))},
    Property{{"request.required.acks", "all", "Alias of acks"}, nullptr},
    Property{{"linger.ms", "5", "How long a batch waits for more records before it is sent"},
             KAFKIT_SETTER(return set_ms(c.linger, k, v, 0, 900000))},
    Property{{"queue.buffering.max.ms", "5", "Alias of linger.ms"}, nullptr},
    Property{{"batch.size", "1000000", "Largest batch in bytes (uncompressed records)"},
             KAFKIT_SETTER(return set_number(c.batch_size, k, v, 1, INT32_MAX))},
    Property{{"batch.num.messages", "10000", "Most records per batch"},
             KAFKIT_SETTER(return set_number(c.batch_num_messages, k, v, 1, 1000000))},
    Property{
        {"compression.type", "none", "none, gzip, snappy, lz4 or zstd"},
        KAFKIT_SETTER(auto codec = protocol::parse_codec(v); if (!codec) return bad_property_value(
                          k, v, "one of none, gzip, snappy, lz4, zstd");
                      c.codec = *codec; return {})},
    Property{{"compression.codec", "none", "Alias of compression.type"}, nullptr},
    Property{{"compression.level", "-1", "Codec level; -1 is the codec's default"},
             KAFKIT_SETTER(return set_number(c.compression_level, k, v, -1, 22))},
    Property{{"enable.idempotence", "true",
              "Exactly-once per partition: producer id and sequence numbers (needs acks=all)"},
             KAFKIT_SETTER(return set_bool(c.idempotence, k, v))},
    Property{{"max.in.flight.requests.per.connection", "5",
              "Unanswered requests per broker connection (at most 5 with idempotence)"},
             KAFKIT_SETTER(return set_number(c.max_in_flight, k, v, 1, 1000000))},
    Property{{"max.in.flight", "5", "Alias of max.in.flight.requests.per.connection"}, nullptr},
    Property{{"request.timeout.ms", "30000", "How long a produce request may wait for its answer"},
             KAFKIT_SETTER(return set_ms(c.request_timeout, k, v, 1))},
    Property{{"delivery.timeout.ms", "120000",
              "Upper bound from send() to the delivery report, retries included (0 = none)"},
             KAFKIT_SETTER(return set_ms(c.delivery_timeout, k, v, 0))},
    Property{{"message.timeout.ms", "120000", "Alias of delivery.timeout.ms"}, nullptr},
    Property{{"retries", "2147483647", "How often a failed batch is retried"},
             KAFKIT_SETTER(return set_number(c.retries, k, v, 0, INT32_MAX))},
    Property{{"message.send.max.retries", "2147483647", "Alias of retries"}, nullptr},
    Property{{"retry.backoff.ms", "100", "Wait before the first retry (doubles per attempt)"},
             KAFKIT_SETTER(auto r = set_ms(c.retry_backoff, k, v, 1, 300000);
                           c.cluster.metadata_retry_backoff = c.retry_backoff; return r)},
    Property{{"retry.backoff.max.ms", "1000", "Largest wait between retries"},
             KAFKIT_SETTER(return set_ms(c.retry_backoff_max, k, v, 1, 300000))},
    Property{{"queue.buffering.max.messages", "100000",
              "Records sent and not yet reported that the producer holds"},
             KAFKIT_SETTER(return set_number(c.max_messages, k, v, 1, INT32_MAX))},
    Property{{"queue.buffering.max.kbytes", "1048576", "Buffered record bytes, in KiB"},
             KAFKIT_SETTER(auto r = set_number(c.max_bytes, k, v, 1, INT32_MAX);
                           c.max_bytes *= 1024; return r)},
    Property{{"buffer.memory", "1073741824", "Buffered record bytes (Java name)"},
             KAFKIT_SETTER(return set_number(c.max_bytes, k, v, 1024, INT64_MAX))},
    Property{{"max.block.ms", "60000",
              "How long send() waits for buffer space or topic metadata before failing"},
             KAFKIT_SETTER(return set_ms(c.max_block, k, v, 0))},
    Property{{"message.max.bytes", "1000000", "Largest request (and so batch or record)"},
             KAFKIT_SETTER(return set_number(c.max_request_size, k, v, 1000, 1000000000))},
    Property{{"max.request.size", "1000000", "Alias of message.max.bytes (Java name)"}, nullptr},
    Property{{"partitioner", "consistent_random",
              "random, consistent, consistent_random, murmur2, murmur2_random, fnv1a, "
              "fnv1a_random, round_robin, sticky, uniform_sticky"},
             KAFKIT_SETTER(c.partitioner.name = std::string(v); (void)k; return {})},
    Property{{"partitioner.class", "", "Alias of partitioner (Java class names accepted)"},
             nullptr},
    Property{{"sticky.partitioning.linger.ms", "10",
              "How long a null-key record stream sticks to one partition"},
             KAFKIT_SETTER(return set_ms(c.partitioner.sticky_linger, k, v, 0, 900000))},
    Property{{"partitioner.ignore.keys", "false", "uniform_sticky: ignore keys too"},
             KAFKIT_SETTER(return set_bool(c.partitioner.ignore_keys, k, v))},
    Property{{"allow.auto.create.topics", "true", "Let metadata requests create topics"},
             KAFKIT_SETTER(return set_bool(c.cluster.allow_auto_create_topics, k, v))},
};

#undef KAFKIT_SETTER

// Aliases point at the property that holds the setter.
const std::map<std::string_view, std::string_view> kAliases{
    {"request.required.acks", "acks"},
    {"queue.buffering.max.ms", "linger.ms"},
    {"compression.codec", "compression.type"},
    {"max.in.flight", "max.in.flight.requests.per.connection"},
    {"message.timeout.ms", "delivery.timeout.ms"},
    {"message.send.max.retries", "retries"},
    {"max.request.size", "message.max.bytes"},
    {"partitioner.class", "partitioner"},
};

// Consumer settings are common in shared config files; naming them helps more than
// "unknown".
constexpr std::array<std::string_view, 8> kConsumerOnly{
    "group.id",        "auto.offset.reset", "enable.auto.commit", "session.timeout.ms",
    "isolation.level", "fetch.min.bytes",   "max.poll.records",   "group.instance.id"};

const Property* find(std::string_view name) {
  if (auto a = kAliases.find(name); a != kAliases.end()) name = a->second;
  for (const Property& p : kProperties)
    if (p.info.name == name) return &p;
  return nullptr;
}

Result<void> check_combination(ProducerConfig& c, const Config& config) {
  auto given = [&](std::initializer_list<std::string_view> names) {
    for (auto n : names)
      if (config.get(n)) return true;
    return false;
  };
  if (c.cluster.bootstrap.empty())
    return Error{errc::invalid_argument, "bootstrap.servers is required (host:port[,...])"};
  bool explicit_idempotence = config.get("enable.idempotence").has_value();
  c.idempotence_explicit = explicit_idempotence;
  if (c.idempotence) {
    // As the Java client (3.2+): idempotence on by default yields to an explicit acks or
    // max.in.flight that cannot work with it; asked for explicitly, the conflict is an error.
    bool bad_acks = c.acks != -1;
    bool bad_in_flight = c.max_in_flight > 5;
    bool no_retries = c.retries == 0;
    if (bad_acks || bad_in_flight || no_retries) {
      if (explicit_idempotence)
        return Error{errc::invalid_argument,
                     std::string("enable.idempotence=true needs ") +
                         (bad_acks        ? "acks=all"
                          : bad_in_flight ? "max.in.flight.requests.per.connection <= 5"
                                          : "retries > 0")};
      c.idempotence = false;
    }
  }
  // As the Java client: too small is an error when given (by either name), and the
  // default grows to the sum otherwise.
  if (c.delivery_timeout.count() != 0 && c.delivery_timeout < c.linger + c.request_timeout) {
    if (given({"delivery.timeout.ms", "message.timeout.ms"}))
      return Error{errc::invalid_argument,
                   "delivery.timeout.ms must be at least linger.ms + request.timeout.ms (" +
                       std::to_string((c.linger + c.request_timeout).count()) + ")"};
    c.delivery_timeout = c.linger + c.request_timeout;
  }
  if (c.retry_backoff_max < c.retry_backoff) c.retry_backoff_max = c.retry_backoff;
  c.cluster.connection.connection.request_timeout = c.request_timeout;
  c.cluster.connection.connection.max_in_flight = c.max_in_flight;
  c.partitioner.batch_size = c.batch_size;
  return {};
}

}  // namespace

Result<ProducerConfig> ProducerConfig::parse(const Config& config) {
  ProducerConfig c;
  for (const auto& [name, value] : config.entries()) {
    const Property* p = find(name);
    if (p == nullptr) {
      if (const ClusterProperty* shared = find_cluster_property(name)) {
        auto r = shared->set(c.cluster, name, value);
        if (!r) return r.error();
        continue;
      }
      for (auto consumer : kConsumerOnly)
        if (name == consumer)
          return Error{errc::invalid_argument,
                       "property " + name + " is a consumer setting; a producer does not take it"};
      return Error{errc::invalid_argument,
                   "unknown producer property " + name + " (Producer::properties() lists them)"};
    }
    auto r = p->set(c, name, value);
    if (!r) return r.error();
  }
  auto r = check_combination(c, config);
  if (!r) return r.error();
  if (auto sec = finish_cluster_security(c.cluster, config); !sec) return sec.error();
  return c;
}

std::span<const PropertyInfo> producer_properties() noexcept {
  static const auto infos = with_cluster_properties(kProperties);
  return infos;
}

}  // namespace kafkit::client
