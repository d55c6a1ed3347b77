#pragma once
// FaultState: what a test did to the cluster on purpose — errors armed for the next
// requests of an API, responses to hold back, nodes taken down. Client tests use it through
// broker::Cluster (inject_errors, delay_responses, stop_node); the dispatcher and the
// handlers consult it. Owned by the loop thread, like the rest of ClusterState.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kafkit::broker {

/// The next `remaining` requests of `api_key` are answered with `error_code`. With a topic
/// (and optionally a partition) only requests naming a matching partition count, and only
/// the matching partitions get the error; without one every request counts.
struct ErrorInjection {
  int16_t api_key = 0;
  int16_t error_code = 0;
  int remaining = 0;
  std::optional<std::string> topic;
  std::optional<int32_t> partition;

  bool filtered() const noexcept { return topic.has_value(); }
  bool matches(std::string_view t, int32_t p) const {
    return !topic || (*topic == t && (!partition || *partition == p));
  }
};

struct ResponseDelay {
  int16_t api_key = 0;
  std::chrono::milliseconds delay{0};
  int remaining = 0;
};

/// A partition a request names, for matching injections against it.
using TopicPartitionRef = std::pair<std::string_view, int32_t>;

/// APIs whose handlers apply injected errors themselves, per partition (Produce, Fetch,
/// ListOffsets, Metadata) or per key (FindCoordinator v4+). Every other API gets them from
/// the dispatcher as its response's top-level error code.
bool handler_applies_injected_errors(int16_t api_key);
/// APIs whose requests name partitions, so that an injection may be limited to some:
/// Produce, Fetch, ListOffsets, Metadata.
bool api_names_partitions(int16_t api_key);

class FaultState {
 public:
  /// Injections and delays queue up per API and are used in the order they were added.
  void add_error(ErrorInjection injection);
  void add_delay(ResponseDelay delay);
  /// Forgets every armed injection and delay (stopped nodes stay stopped).
  void clear();

  /// For an API answered with a top-level error: the code for this request, if any, and
  /// one use of its injection.
  std::optional<int16_t> take_error(int16_t api_key);
  /// For an API with per-partition errors: the first injection this request triggers (an
  /// unfiltered one, or one matching a partition in `partitions`), with one use taken.
  /// The handler answers the partitions it `matches()` with its code.
  std::optional<ErrorInjection> take_error(int16_t api_key,
                                           std::span<const TopicPartitionRef> partitions);
  std::optional<std::chrono::milliseconds> take_delay(int16_t api_key);

  bool stopped(int32_t node_id) const { return stopped_.count(node_id) != 0; }
  /// `elected_away`: stopped with new leaders elected (Cluster::stop_node), so the groups it
  /// coordinates move to another node, as __consumer_offsets leadership would in Kafka.
  void set_stopped(int32_t node_id, bool stopped, bool elected_away = false);
  bool coordination_moved(int32_t node_id) const { return moved_.count(node_id) != 0; }

  /// ApiVersions leaves `api_key` out, as an older broker would (e.g. SaslAuthenticate, 36,
  /// to look like a broker before Kafka 1.0, which takes only the SaslHandshake v0 form).
  /// The API is still served if a client sends it anyway. Stays until unhidden; clear()
  /// keeps it, as it keeps stopped nodes.
  void hide_api(int16_t api_key, bool hidden = true) {
    if (hidden) {
      hidden_apis_.insert(api_key);
    } else {
      hidden_apis_.erase(api_key);
    }
  }
  bool api_hidden(int16_t api_key) const { return hidden_apis_.count(api_key) != 0; }

 private:
  std::vector<ErrorInjection> errors_;  /// @thread loop
  std::vector<ResponseDelay> delays_;   /// @thread loop
  std::set<int32_t> stopped_;           /// @thread loop
  std::set<int32_t> moved_;             /// @thread loop: stopped and elected away
  std::set<int16_t> hidden_apis_;       /// @thread loop
};

}  // namespace kafkit::broker
