#include "broker/faults/injected_errors.hpp"

#include "broker/cluster_state.hpp"
#include "protocol/messages/fetch.hpp"
#include "protocol/messages/list_offsets.hpp"
#include "protocol/messages/produce.hpp"

namespace kafkit::broker {
namespace {

std::string resolve(ClusterState& cluster, bool by_id, const std::string& topic,
                    const protocol::Uuid& id) {
  if (!by_id) return topic;
  const Topic* t = cluster.topics->find(id);
  return t == nullptr ? std::string() : t->name;
}

}  // namespace

InjectedErrors::InjectedErrors(ClusterState& cluster, int16_t api_key, const Named& partitions,
                               bool by_id)
    : cluster_(&cluster), by_id_(by_id) {
  std::vector<TopicPartitionRef> refs;
  refs.reserve(partitions.size());
  for (const auto& tp : partitions) refs.emplace_back(tp.first, tp.second);
  injection_ = cluster.faults.take_error(api_key, refs);
}

InjectedErrors InjectedErrors::for_request(ClusterState& cluster,
                                           const protocol::ProduceRequest& req, bool by_id) {
  Named named;
  for (const auto& t : req.topic_data)
    for (const auto& p : t.partition_data)
      named.emplace_back(resolve(cluster, by_id, t.name, t.topic_id), p.index);
  return InjectedErrors(cluster, protocol::ProduceRequest::api_key, named, by_id);
}

InjectedErrors InjectedErrors::for_request(ClusterState& cluster, const protocol::FetchRequest& req,
                                           bool by_id) {
  Named named;
  for (const auto& t : req.topics)
    for (const auto& p : t.partitions)
      named.emplace_back(resolve(cluster, by_id, t.topic, t.topic_id), p.partition);
  return InjectedErrors(cluster, protocol::FetchRequest::api_key, named, by_id);
}

InjectedErrors InjectedErrors::for_request(ClusterState& cluster,
                                           const protocol::ListOffsetsRequest& req) {
  Named named;
  for (const auto& t : req.topics)
    for (const auto& p : t.partitions) named.emplace_back(t.name, p.partition_index);
  return InjectedErrors(cluster, protocol::ListOffsetsRequest::api_key, named);
}

std::optional<int16_t> InjectedErrors::error_for(const std::string& topic,
                                                 const protocol::Uuid& topic_id,
                                                 int32_t partition) const {
  if (!injection_) return std::nullopt;
  if (!injection_->matches(name_of(topic, topic_id), partition)) return std::nullopt;
  return injection_->error_code;
}

std::optional<int16_t> InjectedErrors::topic_error_for(std::string_view topic) const {
  if (injection_ && !injection_->partition && injection_->matches(topic, 0))
    return injection_->error_code;
  return std::nullopt;
}

std::string InjectedErrors::name_of(const std::string& topic, const protocol::Uuid& id) const {
  return resolve(*cluster_, by_id_, topic, id);
}

}  // namespace kafkit::broker
