#include "client/producer/delivery_queue.hpp"

namespace kafkit::client {

void DeliveryQueue::push(CompletedBatch done) {
  {
    std::lock_guard lock(mutex_);
    batches_.push_back(std::move(done));
  }
  cv_.notify_all();
}

void DeliveryQueue::push_error(Error error) {
  {
    std::lock_guard lock(mutex_);
    errors_.push_back(std::move(error));
  }
  cv_.notify_all();
}

void DeliveryQueue::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void DeliveryQueue::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (batches_.empty() && errors_.empty() && timeout.count() > 0)
    cv_.wait_for(lock, timeout, [&] { return !batches_.empty() || !errors_.empty() || woken_; });
  woken_ = false;
}

void DeliveryQueue::take(std::chrono::milliseconds timeout, std::vector<CompletedBatch>& batches,
                         std::vector<Error>& errors) {
  std::unique_lock lock(mutex_);
  if (batches_.empty() && errors_.empty() && timeout.count() > 0)
    cv_.wait_for(lock, timeout, [&] { return !batches_.empty() || !errors_.empty() || woken_; });
  woken_ = false;
  for (auto& b : batches_) batches.push_back(std::move(b));
  batches_.clear();
  for (auto& e : errors_) errors.push_back(std::move(e));
  errors_.clear();
}

}  // namespace kafkit::client
