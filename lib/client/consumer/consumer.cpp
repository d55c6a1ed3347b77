// kafkit::Consumer: the public face; everything happens in ConsumerImpl.
#include "kafkit/consumer.hpp"

#include <stdexcept>

#include "client/consumer/consumer_impl.hpp"

namespace kafkit {

namespace {
Error moved_from() {
  return Error{errc::closed, "this Consumer was moved from"};
}
}  // namespace

Consumer::Consumer(const Config& config, ConsumerCallbacks callbacks) {
  auto parsed = client::ConsumerConfig::parse(config);
  if (!parsed) throw std::invalid_argument(parsed.error().message);
  impl_ = std::make_unique<client::ConsumerImpl>(std::move(parsed.value()), std::move(callbacks));
}

Consumer::~Consumer() = default;
Consumer::Consumer(Consumer&&) noexcept = default;
Consumer& Consumer::operator=(Consumer&&) noexcept = default;

Result<void> Consumer::subscribe(const std::vector<std::string>& topics) {
  if (!impl_) return moved_from();
  return impl_->subscribe(topics);
}

Result<void> Consumer::unsubscribe() {
  if (!impl_) return moved_from();
  return impl_->unsubscribe();
}

Result<void> Consumer::assign(const std::vector<TopicPartitionOffset>& partitions) {
  if (!impl_) return moved_from();
  return impl_->assign(partitions);
}

Result<void> Consumer::unassign() {
  if (!impl_) return moved_from();
  return impl_->unassign();
}

std::vector<TopicPartition> Consumer::assignment() const {
  return impl_ ? impl_->assignment() : std::vector<TopicPartition>{};
}

std::vector<std::string> Consumer::subscription() const {
  return impl_ ? impl_->subscription() : std::vector<std::string>{};
}

PollResult Consumer::poll(std::chrono::milliseconds timeout) {
  if (!impl_) {
    PollResult r;
    r.events.push_back(ConsumerEvent{ConsumerEvent::Type::error, moved_from(), {}});
    return r;
  }
  return impl_->poll(timeout);
}

Result<void> Consumer::commit() {
  if (!impl_) return moved_from();
  return impl_->commit(nullptr);
}

Result<void> Consumer::commit(const std::vector<TopicPartitionOffset>& offsets) {
  if (!impl_) return moved_from();
  return impl_->commit(&offsets);
}

void Consumer::commit_async(CommitCallback done) {
  if (impl_) impl_->commit_async(nullptr, std::move(done));
}

void Consumer::commit_async(const std::vector<TopicPartitionOffset>& offsets, CommitCallback done) {
  if (impl_) impl_->commit_async(&offsets, std::move(done));
}

Result<std::vector<TopicPartitionOffset>> Consumer::committed(
    const std::vector<TopicPartition>& partitions, std::chrono::milliseconds timeout) {
  if (!impl_) return moved_from();
  return impl_->committed(partitions, timeout);
}

Result<std::int64_t> Consumer::position(const TopicPartition& partition) const {
  if (!impl_) return moved_from();
  return impl_->position(partition);
}

Result<void> Consumer::seek(const TopicPartition& partition, std::int64_t offset) {
  if (!impl_) return moved_from();
  return impl_->seek(partition, offset);
}

Result<void> Consumer::seek_to_beginning(const std::vector<TopicPartition>& partitions) {
  if (!impl_) return moved_from();
  return impl_->seek_many(partitions, offsets::beginning);
}

Result<void> Consumer::seek_to_end(const std::vector<TopicPartition>& partitions) {
  if (!impl_) return moved_from();
  return impl_->seek_many(partitions, offsets::end);
}

Result<std::vector<TopicPartitionOffset>> Consumer::offsets_for_times(
    const std::vector<TopicPartitionOffset>& timestamps, std::chrono::milliseconds timeout) {
  if (!impl_) return moved_from();
  return impl_->offsets_for_times(timestamps, timeout);
}

Result<std::pair<std::int64_t, std::int64_t>> Consumer::watermark_offsets(
    const TopicPartition& partition, std::chrono::milliseconds timeout) {
  if (!impl_) return moved_from();
  return impl_->watermark_offsets(partition, timeout);
}

std::optional<std::int64_t> Consumer::lag(const TopicPartition& partition) const {
  return impl_ ? impl_->lag(partition) : std::nullopt;
}

Result<void> Consumer::pause(const std::vector<TopicPartition>& partitions) {
  if (!impl_) return moved_from();
  return impl_->pause(partitions, true);
}

Result<void> Consumer::resume(const std::vector<TopicPartition>& partitions) {
  if (!impl_) return moved_from();
  return impl_->pause(partitions, false);
}

std::vector<TopicPartition> Consumer::paused() const {
  return impl_ ? impl_->paused() : std::vector<TopicPartition>{};
}

std::string Consumer::member_id() const {
  return impl_ ? impl_->member_id() : std::string();
}

Result<void> Consumer::close(std::chrono::milliseconds timeout) {
  if (!impl_) return moved_from();
  return impl_->close(timeout);
}

std::span<const PropertyInfo> Consumer::properties() {
  return client::consumer_properties();
}

}  // namespace kafkit
