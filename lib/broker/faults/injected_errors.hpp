#pragma once
// InjectedErrors: what a handler of a per-partition API (Produce, Fetch, ListOffsets,
// Metadata) asks before serving a partition. Built once per request from the partitions
// it names, it takes at most one use of an armed injection (FaultState) and then says
// which of those partitions must be answered with the injected code instead of served.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/faults/fault_state.hpp"
#include "protocol/types.hpp"

namespace kafkit::protocol {
struct ProduceRequest;
struct FetchRequest;
struct ListOffsetsRequest;
}  // namespace kafkit::protocol

namespace kafkit::broker {

class ClusterState;

class InjectedErrors {
 public:
  using Named = std::vector<std::pair<std::string, int32_t>>;

  /// `partitions`: every (topic name, partition) the request names. `by_id`: the request
  /// names topics by id (KIP-516 versions), whose names are looked up in `cluster`.
  InjectedErrors(ClusterState& cluster, int16_t api_key, const Named& partitions,
                 bool by_id = false);
  static InjectedErrors for_request(ClusterState& cluster, const protocol::ProduceRequest& req,
                                    bool by_id);
  static InjectedErrors for_request(ClusterState& cluster, const protocol::FetchRequest& req,
                                    bool by_id);
  static InjectedErrors for_request(ClusterState& cluster, const protocol::ListOffsetsRequest& req);

  /// The code to answer this partition with, or nullopt to serve it.
  std::optional<int16_t> error_for(const std::string& topic, const protocol::Uuid& topic_id,
                                   int32_t partition) const;
  std::optional<int16_t> error_for(const std::string& topic, int32_t partition) const {
    return error_for(topic, protocol::Uuid{}, partition);
  }
  /// For errors at topic level (Metadata without a partition filter).
  std::optional<int16_t> topic_error_for(std::string_view topic) const;

 private:
  std::string name_of(const std::string& topic, const protocol::Uuid& id) const;

  ClusterState* cluster_;
  bool by_id_;
  std::optional<ErrorInjection> injection_;
};

}  // namespace kafkit::broker
