#pragma once
// Kafka's rule for admin requests that name a topic more than once (CreateTopics,
// CreatePartitions): none of the copies is acted on, and the name gets one
// INVALID_REQUEST "Duplicate topic name." after the results of the other topics.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace kafkit::broker {

/// Calls `each(topic)` for every topic of `topics` whose `.name` occurs once; returns the
/// names that occur more than once, each once, in the order first seen.
template <class Topics, class Each>
std::vector<std::string> for_each_unique_name(const Topics& topics, Each each) {
  std::map<std::string, int> count;
  for (const auto& t : topics) ++count[t.name];
  std::vector<std::string> duplicates;
  for (const auto& t : topics) {
    if (count[t.name] == 1) {
      each(t);
    } else if (std::find(duplicates.begin(), duplicates.end(), t.name) == duplicates.end()) {
      duplicates.push_back(t.name);
    }
  }
  return duplicates;
}

}  // namespace kafkit::broker
