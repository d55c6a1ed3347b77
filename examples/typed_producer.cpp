// Typed keys and values: std::string keys and JSON values (nlohmann::json), with headers.
//
//   kafkit-example-typed-producer [BOOTSTRAP_SERVERS] [TOPIC]   (default localhost:9092 events)
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <kafkit/json_serializer.hpp>
#include <kafkit/typed_producer.hpp>

int main(int argc, char** argv) {
  const std::string brokers = argc > 1 ? argv[1] : "localhost:9092";
  const std::string topic = argc > 2 ? argv[2] : "events";
  using namespace std::chrono_literals;
  using Json = nlohmann::json;

  int failed = 0;
  kafkit::ProducerCallbacks callbacks{
      // Delivery reports and errors run on this thread, inside flush() and close().
      .on_delivery =
          [&](const kafkit::DeliveryReport& report) {
            if (!report.ok()) {
              ++failed;
              std::cerr << "Delivery failed: " << report.error->message << '\n';
              return;
            }
            std::cout << "Record written to offset " << report.offset << " timestamp "
                      << report.timestamp << " partition " << report.partition << '\n';
          },
      .on_error = [](const kafkit::Error& e) { std::cerr << "Producer: " << e.message << '\n'; },
  };

  try {
    kafkit::TypedProducer<std::string, Json> producer({{"bootstrap.servers", brokers}},
                                                      std::move(callbacks));

    const std::vector<std::pair<std::string, Json>> events{
        {"user-1", {{"type", "signup"}, {"plan", "free"}}},
        {"user-2", {{"type", "signup"}, {"plan", "pro"}}},
        {"user-1", {{"type", "upgrade"}, {"plan", "pro"}}},
    };
    const kafkit::Header headers[]{
        {.key = "content-type", .value = "application/json"},
        {.key = "source", .value = "kafkit-example"},
    };
    for (const auto& [user, event] : events) {
      // Same key, same partition: user-1's events stay in order.
      if (auto sent = producer.send(topic, user, event, {.headers = headers}); !sent) {
        std::cerr << "Send failed: " << sent.error().message << '\n';
        return 1;
      }
    }

    if (auto flushed = producer.flush(10s); !flushed)
      std::cerr << "Flush failed: " << flushed.error().message << '\n';
    if (auto closed = producer.close(5s); !closed)
      std::cerr << "Close failed: " << closed.error().message << '\n';
  } catch (const std::invalid_argument& e) {
    std::cerr << "Configuration error: " << e.what() << '\n';
    return 1;
  }
  return failed == 0 ? 0 : 1;
}
