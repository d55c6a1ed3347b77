#pragma once
// RdKafkaMockCluster: librdkafka's in-process mock Kafka cluster (rdkafka_mock.h, librdkafka
// 2.0.2) behind a small RAII class, so producer integration tests can take brokers down, move
// partition leaders, delay responses and inject error codes, then check that a client rides
// it out. Every client (ours or librdkafka's) just connects to bootstrap_servers().
//
// Facts of librdkafka 2.0.2's mock that tests should know:
// - Broker ids are 1..N. Brokers live on their own threads in this process; the hooks below
//   are synchronous (the change is in effect when the call returns) and thread-safe.
// - The mock does not serve the CreateTopics API (rdkafka_mock.h says so): create topics
//   here, so a test states their partition count instead of relying on auto-creation.
// - broker_down() closes the broker's connections and refuses new ones but does not move
//   leadership; move leaders with set_partition_leader() to model a failover.
// - Cluster-wide request errors (push_request_errors) are served first-in first-out by
//   whichever broker gets the next request of that API; per-broker errors
//   (push_broker_request_errors) take precedence and can carry a response delay. Error
//   RD_KAFKA_RESP_ERR__TRANSPORT makes the broker drop the connection instead of answering.
// - It keeps only the newest ~5 MiB of each partition: not a place for volume tests.
//
// Every method throws std::runtime_error naming the call and librdkafka's error when the
// mock refuses it (unknown broker id, ...): in a test a failed setup step must not pass by.
// Destroy clients before the cluster, or they log connection failures while it goes away.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace kafkit::test {

/// Kafka API keys the tests inject errors into (the protocol's request type numbers).
namespace api_key {
inline constexpr std::int16_t produce = 0;
inline constexpr std::int16_t fetch = 1;
inline constexpr std::int16_t list_offsets = 2;
inline constexpr std::int16_t metadata = 3;
inline constexpr std::int16_t find_coordinator = 10;
inline constexpr std::int16_t api_versions = 18;
inline constexpr std::int16_t init_producer_id = 22;
}  // namespace api_key

/// One injected answer for a specific broker: an error (or NO_ERROR) and how long the
/// broker waits before sending it.
struct InjectedResponse {
  rd_kafka_resp_err_t error = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::chrono::milliseconds delay{0};
};

class RdKafkaMockCluster {
 public:
  /// Starts `brokers` mock brokers (ids 1..brokers) on loopback ports chosen by the kernel.
  explicit RdKafkaMockCluster(int brokers);
  ~RdKafkaMockCluster();
  RdKafkaMockCluster(const RdKafkaMockCluster&) = delete;
  RdKafkaMockCluster& operator=(const RdKafkaMockCluster&) = delete;

  /// "127.0.0.1:port,..." for every broker, for a client's bootstrap.servers.
  const std::string& bootstrap_servers() const noexcept { return bootstrap_; }
  int broker_count() const noexcept { return brokers_; }

  /// Creates a topic; leaders are spread over the brokers by the mock.
  void create_topic(std::string_view topic, int partitions, int replication_factor = 1);
  /// Makes `broker_id` the partition's leader, or -1 for no leader (clients then see
  /// LEADER_NOT_AVAILABLE). Creates the topic if it does not exist.
  void set_partition_leader(std::string_view topic, std::int32_t partition, std::int32_t broker_id);
  /// The replica a consumer is told to fetch from (KIP-392).
  void set_partition_follower(std::string_view topic, std::int32_t partition,
                              std::int32_t broker_id);
  /// The error Metadata (and AddPartitionsToTxn) report for a topic; NO_ERROR clears it.
  void set_topic_error(std::string_view topic, rd_kafka_resp_err_t error);

  /// Drops the broker's connections and refuses new ones (-1: every broker). Leadership
  /// stays where it is.
  void broker_down(std::int32_t broker_id);
  void broker_up(std::int32_t broker_id);
  /// Delays every response of the broker (-1: every broker) by `rtt`; 0 restores.
  void set_rtt(std::int32_t broker_id, std::chrono::milliseconds rtt);
  void set_rack(std::int32_t broker_id, std::string_view rack);

  /// The next errors.size() requests of `api` to any broker fail with these codes, in
  /// order. NO_ERROR entries let a request through (to fail a later one).
  void push_request_errors(std::int16_t api, std::span<const rd_kafka_resp_err_t> errors);
  void push_request_errors(std::int16_t api, std::initializer_list<rd_kafka_resp_err_t> errors) {
    push_request_errors(api, std::span<const rd_kafka_resp_err_t>(errors.begin(), errors.size()));
  }
  /// As above for one broker, each answer with its own delay; served before cluster-wide
  /// errors.
  void push_broker_request_errors(std::int32_t broker_id, std::int16_t api,
                                  std::span<const InjectedResponse> responses);
  void push_broker_request_errors(std::int32_t broker_id, std::int16_t api,
                                  std::initializer_list<InjectedResponse> responses) {
    push_broker_request_errors(
        broker_id, api, std::span<const InjectedResponse>(responses.begin(), responses.size()));
  }
  /// Injected answers of push_broker_request_errors() for `api` not yet served: tests use it
  /// to check that the client really sent (and so retried) that many requests.
  std::size_t pending_broker_errors(std::int32_t broker_id, std::int16_t api) const;
  /// Drops the cluster-wide errors not yet served for `api`.
  void clear_request_errors(std::int16_t api);

  /// Restricts the versions the brokers advertise for `api` in ApiVersions (-1, -1: the API
  /// is not offered at all).
  void set_api_versions(std::int16_t api, std::int16_t min_version, std::int16_t max_version);
  /// Pins the group ("group") or transaction ("transaction") coordinator of `key`.
  void set_coordinator(std::string_view key_type, std::string_view key, std::int32_t broker_id);

  /// For anything not wrapped above.
  rd_kafka_mock_cluster_t* native() const noexcept { return cluster_; }

 private:
  rd_kafka_t* handle_ = nullptr;  // the mock's required bookkeeping handle; sends nothing
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  int brokers_ = 0;
  std::string bootstrap_;
};

}  // namespace kafkit::test
