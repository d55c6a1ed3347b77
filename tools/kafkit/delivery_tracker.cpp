#include "delivery_tracker.hpp"

#include <string>

namespace kafkit::cli {

void DeliveryTracker::on_report(const DeliveryReport& report) {
  if (report.ok()) {
    ++delivered_;
    if (progress_ != nullptr) progress_->add(bytes_of(report.opaque));
    return;
  }
  ++failed_;
  auto number = static_cast<unsigned long long>(number_of(report.opaque));
  std::string topic(report.topic);
  // kcat prints "Delivery failed for message: <error>"; naming which message and where
  // lets a user find it in the input.
  std::fprintf(err_, "kafkit: message %llu not delivered to %s [%d]: %s%s\n", number, topic.c_str(),
               static_cast<int>(report.partition), report.error->message.c_str(),
               report.persistence == Persistence::possibly_persisted
                   ? " (it may have been written anyway)"
                   : "");
}

void DeliveryTracker::print_failures(std::uint64_t sent) const {
  std::uint64_t lost = sent - delivered_;
  if (lost == 0) return;
  std::fprintf(err_, "kafkit: %llu of %llu messages were not delivered\n",
               static_cast<unsigned long long>(lost), static_cast<unsigned long long>(sent));
}

}  // namespace kafkit::cli
