#include "broker/faults/fault_state.hpp"

#include <algorithm>

namespace kafkit::broker {
namespace {

constexpr int16_t kProduce = 0;
constexpr int16_t kFetch = 1;
constexpr int16_t kListOffsets = 2;
constexpr int16_t kMetadata = 3;
constexpr int16_t kFindCoordinator = 10;

}  // namespace

bool handler_applies_injected_errors(int16_t api_key) {
  return api_names_partitions(api_key) || api_key == kFindCoordinator;
}

bool api_names_partitions(int16_t api_key) {
  return api_key == kProduce || api_key == kFetch || api_key == kListOffsets ||
         api_key == kMetadata;
}

void FaultState::add_error(ErrorInjection injection) {
  if (injection.remaining > 0) errors_.push_back(std::move(injection));
}

void FaultState::add_delay(ResponseDelay delay) {
  if (delay.remaining > 0) delays_.push_back(delay);
}

void FaultState::clear() {
  errors_.clear();
  delays_.clear();
}

std::optional<int16_t> FaultState::take_error(int16_t api_key) {
  auto it = std::find_if(errors_.begin(), errors_.end(),
                         [api_key](const ErrorInjection& e) { return e.api_key == api_key; });
  if (it == errors_.end()) return std::nullopt;
  int16_t code = it->error_code;
  if (--it->remaining == 0) errors_.erase(it);
  return code;
}

std::optional<ErrorInjection> FaultState::take_error(
    int16_t api_key, std::span<const TopicPartitionRef> partitions) {
  auto triggered = [&](const ErrorInjection& e) {
    if (e.api_key != api_key) return false;
    if (!e.filtered()) return true;
    return std::any_of(partitions.begin(), partitions.end(), [&e](const TopicPartitionRef& tp) {
      return e.matches(tp.first, tp.second);
    });
  };
  auto it = std::find_if(errors_.begin(), errors_.end(), triggered);
  if (it == errors_.end()) return std::nullopt;
  ErrorInjection taken = *it;
  if (--it->remaining == 0) errors_.erase(it);
  return taken;
}

std::optional<std::chrono::milliseconds> FaultState::take_delay(int16_t api_key) {
  auto it = std::find_if(delays_.begin(), delays_.end(),
                         [api_key](const ResponseDelay& d) { return d.api_key == api_key; });
  if (it == delays_.end()) return std::nullopt;
  auto delay = it->delay;
  if (--it->remaining == 0) delays_.erase(it);
  return delay;
}

void FaultState::set_stopped(int32_t node_id, bool stopped, bool elected_away) {
  if (stopped) {
    stopped_.insert(node_id);
    if (elected_away) moved_.insert(node_id);
  } else {
    stopped_.erase(node_id);
    moved_.erase(node_id);
  }
}

}  // namespace kafkit::broker
