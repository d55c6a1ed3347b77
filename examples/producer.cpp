// The first kafkit program: send one record and print where it was written.
//
//   kafkit-example-producer [BOOTSTRAP_SERVERS] [TOPIC]   (default localhost:9092 test-topic)
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>

#include <kafkit/producer.hpp>

int main(int argc, char** argv) {
  const std::string brokers = argc > 1 ? argv[1] : "localhost:9092";
  const std::string topic = argc > 2 ? argv[2] : "test-topic";
  using namespace std::chrono_literals;

  bool delivered = false;
  try {
    kafkit::Producer producer({{"bootstrap.servers", brokers}});

    // The callback runs on this thread, inside flush() below: no locks needed.
    auto on_delivery = [&](const kafkit::DeliveryReport& report) {
      if (!report.ok()) {
        std::cerr << "Delivery failed: " << report.error->message << '\n';
        return;
      }
      std::cout << "Record written to offset " << report.offset << " timestamp " << report.timestamp
                << " partition " << report.partition << '\n';
      delivered = true;
    };
    if (auto sent = producer.send({.topic = topic, .value = "hello kafkit"}, on_delivery); !sent) {
      std::cerr << "Send failed: " << sent.error().message << '\n';
      return 1;
    }

    // Wait for the delivery report, then stop the producer's I/O thread.
    if (auto flushed = producer.flush(10s); !flushed)
      std::cerr << "Flush failed: " << flushed.error().message << '\n';
    if (auto closed = producer.close(5s); !closed)
      std::cerr << "Close failed: " << closed.error().message << '\n';
  } catch (const std::invalid_argument& e) {
    std::cerr << "Configuration error: " << e.what() << '\n';
    return 1;
  }
  return delivered ? 0 : 1;
}
