// Create a topic (or find it already there), describe its partitions and their offsets, and
// list the consumer groups with their committed offsets and lag on it.
//
//   kafkit-example-admin [BOOTSTRAP_SERVERS] [TOPIC] [PARTITIONS]
//   (defaults: localhost:9092 test-topic 3)
//
// Every admin call blocks until its answer or its timeout; what Kafka says about each
// topic, partition or group is in that item's `error`, so one call can partly succeed.
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <kafkit/admin.hpp>

namespace {

std::string join(const std::vector<std::int32_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return "[" + out + "]";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  const std::string brokers = argc > 1 ? argv[1] : "localhost:9092";
  const std::string topic = argc > 2 ? argv[2] : "test-topic";
  const int partitions = argc > 3 ? std::stoi(argv[3]) : 3;
  try {
    kafkit::Admin admin({{"bootstrap.servers", brokers}});

    // A call fails as a whole only when the cluster could not be asked (timeout, ...).
    auto created = admin.create_topics({{topic, partitions, 1}}, false, 10s);
    if (!created) {
      std::cerr << "create_topics failed: " << created.error().message << "\n";
      return 1;
    }
    const auto& result = created->at(0);
    if (result.error.ok())
      std::cout << "created topic " << topic << "\n";
    else if (result.error.code == 36)  // TOPIC_ALREADY_EXISTS: fine, describe it
      std::cout << "topic " << topic << " exists\n";
    else {
      std::cerr << "cannot create " << topic << ": " << result.error.message << "\n";
      return 1;
    }

    auto described = admin.describe_topics({topic}, false, 10s);
    if (!described || !described->at(0).error.ok()) {
      std::cerr << "describe_topics failed: "
                << (described ? described->at(0).error.message : described.error().message) << "\n";
      return 1;
    }
    std::vector<kafkit::TopicPartitionOffset> query;
    for (const auto& p : described->at(0).partitions) {
      std::cout << "partition " << p.partition << " leader " << p.leader << " replicas "
                << join(p.replicas) << " isr " << join(p.isr) << "\n";
      query.push_back({topic, p.partition, kafkit::offsets::beginning});
      query.push_back({topic, p.partition, kafkit::offsets::end});
    }
    auto offsets = admin.list_offsets(query, 10s);
    if (!offsets) {
      std::cerr << "list_offsets failed: " << offsets.error().message << "\n";
      return 1;
    }
    for (size_t i = 0; i + 1 < offsets->size(); i += 2)
      std::cout << "partition " << (*offsets)[i].partition << " earliest " << (*offsets)[i].offset
                << " latest " << (*offsets)[i + 1].offset << "\n";

    auto groups = admin.list_groups(10s);
    if (!groups) {
      std::cerr << "list_groups failed: " << groups.error().message << "\n";
      return 1;
    }
    for (const auto& g : *groups) {
      auto committed = admin.list_group_offsets(g.group_id, {}, 10s);
      if (!committed) continue;
      for (const auto& c : *committed) {
        if (c.topic != topic || c.offset < 0) continue;
        std::int64_t end = -1;
        for (size_t i = 1; i < offsets->size(); i += 2)
          if ((*offsets)[i].partition == c.partition) end = (*offsets)[i].offset;
        std::cout << "group " << g.group_id << " partition " << c.partition << " committed "
                  << c.offset << " lag " << (end >= 0 ? end - c.offset : -1) << "\n";
      }
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "Configuration error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
