#include "delivery_tracker.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <sstream>
#include <string>

namespace kafkit::cli {
namespace {

/// What `f(FILE*)` wrote.
template <class F>
std::string captured(F&& f) {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  f(file);
  std::fflush(file);
  std::rewind(file);
  std::string out;
  char buf[512];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) out.append(buf, n);
  std::fclose(file);
  return out;
}

DeliveryReport report(std::uint64_t number, std::optional<Error> error = std::nullopt) {
  DeliveryReport r;
  r.topic = "orders";
  r.partition = 2;
  r.offset = error ? -1 : 10;
  r.error = std::move(error);
  r.opaque = DeliveryTracker::tag(number);
  return r;
}

}  // namespace

TEST_CASE("delivery tracker: successes are counted silently") {
  std::string out = captured([](std::FILE* f) {
    DeliveryTracker t(f);
    for (int i = 1; i <= 1000; ++i) t.on_report(report(static_cast<std::uint64_t>(i)));
    CHECK(t.delivered() == 1000);
    CHECK(t.failed() == 0);
    CHECK(t.outstanding(1000) == 0);
    t.print_failures(1000);
  });
  CHECK(out.empty());
}

TEST_CASE("delivery tracker: each failure is one line naming message, topic and partition") {
  std::string out = captured([](std::FILE* f) {
    DeliveryTracker t(f);
    t.on_report(report(1));
    t.on_report(report(2, Error{10, "MESSAGE_TOO_LARGE"}));
    auto timed_out = report(3, Error{errc::message_timed_out, "no answer"});
    timed_out.persistence = Persistence::possibly_persisted;
    t.on_report(timed_out);
    CHECK(t.delivered() == 1);
    CHECK(t.failed() == 2);
    // Five were sent: two never got a report (closed first) and count as not delivered.
    CHECK(t.outstanding(5) == 2);
    t.print_failures(5);
  });
  CHECK(out ==
        "kafkit: message 2 not delivered to orders [2]: MESSAGE_TOO_LARGE\n"
        "kafkit: message 3 not delivered to orders [2]: no answer (it may have been written "
        "anyway)\n"
        "kafkit: 4 of 5 messages were not delivered\n");
}

TEST_CASE("delivery tracker: the tag carries message number and size; progress counts deliveries") {
  CHECK(DeliveryTracker::number_of(DeliveryTracker::tag(1, 0)) == 1);
  void* tag = DeliveryTracker::tag(17179869183, 1000000000);  // 2^34 - 1 messages, 10^9 bytes
  CHECK(DeliveryTracker::number_of(tag) == 17179869183);
  CHECK(DeliveryTracker::bytes_of(tag) == 1000000000);
  CHECK(DeliveryTracker::number_of(DeliveryTracker::tag(5, 123)) == 5);
  CHECK(DeliveryTracker::bytes_of(DeliveryTracker::tag(5, 123)) == 123);

  std::ostringstream summary;
  Progress progress("produced", false, true, summary);
  std::string out = captured([&](std::FILE* f) {
    DeliveryTracker t(f, &progress);
    DeliveryReport ok = report(1);
    ok.opaque = DeliveryTracker::tag(1, 300);
    t.on_report(ok);
    DeliveryReport failed = report(2, Error{errc::closed, "closed"});
    failed.opaque = DeliveryTracker::tag(2, 50);
    t.on_report(failed);
  });
  CHECK(out == "kafkit: message 2 not delivered to orders [2]: closed\n");
  // Only the delivered message (and its 300 bytes) counts as produced.
  CHECK(progress.messages() == 1);
  CHECK(progress.bytes() == 300);
}

}  // namespace kafkit::cli
