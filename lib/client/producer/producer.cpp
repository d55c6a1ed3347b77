// kafkit::Producer: the public face; everything happens in ProducerImpl.
#include "kafkit/producer.hpp"

#include <stdexcept>

#include "client/producer/producer_impl.hpp"

namespace kafkit {

Producer::Producer(const Config& config, ProducerCallbacks callbacks) {
  auto parsed = client::ProducerConfig::parse(config);
  if (!parsed) throw std::invalid_argument(parsed.error().message);
  impl_ = std::make_unique<client::ProducerImpl>(std::move(parsed.value()), std::move(callbacks));
}

Producer::~Producer() = default;
Producer::Producer(Producer&&) noexcept = default;
Producer& Producer::operator=(Producer&&) noexcept = default;

namespace {
Error moved_from() {
  return Error{errc::closed, "this Producer was moved from"};
}
}  // namespace

Result<void> Producer::send(const ProducerRecord& record) {
  if (!impl_) return moved_from();
  return impl_->send(record, nullptr);
}

Result<void> Producer::send(const ProducerRecord& record, DeliveryCallback on_delivery) {
  if (!impl_) return moved_from();
  return impl_->send(record, &on_delivery);
}

BatchSendResult Producer::send_batch(std::span<const ProducerRecord> records) {
  if (!impl_) return BatchSendResult{0, moved_from()};
  return impl_->send_batch(records);
}

int Producer::poll(std::chrono::milliseconds timeout) {
  return impl_ ? impl_->poll(timeout) : 0;
}

Result<void> Producer::flush(std::chrono::milliseconds timeout) {
  if (!impl_) return moved_from();
  return impl_->flush(timeout);
}

Result<void> Producer::close(std::chrono::milliseconds timeout) {
  if (!impl_) return {};
  return impl_->close(timeout);
}

std::size_t Producer::pending() const {
  return impl_ ? impl_->pending() : 0;
}

std::span<const PropertyInfo> Producer::properties() {
  return client::producer_properties();
}

}  // namespace kafkit
