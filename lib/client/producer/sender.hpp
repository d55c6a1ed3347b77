#pragma once
// Sender: the producer's I/O-thread half. It takes sealed batches from the accumulator,
// keeps them per partition in order, sends them to each partition's leader (one Produce
// request per broker with one batch per partition, up to max.in.flight requests per
// connection), and turns the answers into delivery reports, retries or failures.
//
// Ordering: with idempotence a partition may have up to 5 batches in flight (one until
// its first batch under the current epoch is acknowledged); when one of them must be
// retried the partition sends nothing new until all its in-flight batches
// are answered, then resends from the oldest, keeping each batch's sequence number — so
// the log gets the records in send order exactly once (KIP-98). Without idempotence,
// retries may reorder unless max.in.flight.requests.per.connection=1, as in Kafka.
//
// A sequence gap that retrying cannot close (a sequenced batch failed for good or expired,
// the broker lost the producer's state) is closed by an epoch bump (KIP-360): once
// nothing is in flight, InitProducerId with the current id and epoch, and every unsent
// batch is renumbered from 0 under the new epoch.
//
// Threading: loop thread only, except wake() / request_flush() which any thread may call.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/cluster/metadata_updater.hpp"
#include "client/producer/delivery_queue.hpp"
#include "client/producer/idempotence_state.hpp"
#include "client/producer/producer_config.hpp"
#include "client/producer/record_accumulator.hpp"
#include "net/connection_pool.hpp"
#include "net/earliest_timer.hpp"
#include "protocol/messages/produce.hpp"

namespace kafkit::client {

class Sender {
 public:
  Sender(net::EventLoop& loop, const ProducerConfig& config, RecordAccumulator& accumulator,
         DeliveryQueue& deliveries);
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;
  ~Sender();

  /// Any thread: look at the accumulator soon.
  void wake();
  /// Any thread: while flushing, open batches are sent without waiting for linger.ms.
  void set_flushing(bool on);
  /// Any thread: a topic send() has not seen yet.
  void add_topic(std::string topic);
  /// Loop thread: fail everything not yet reported with `error` (close deadline) and stop
  /// every connection.
  void shut_down(const Error& error);

 private:
  void fail_everything(const Error& error);

 private:
  struct PartitionQueue {
    std::string topic;
    std::int32_t partition = 0;
    std::deque<BatchPtr> queue;  // oldest first; retries go back in sequence order
    int in_flight = 0;
    bool retrying = false;  // hold new sends until in-flight batches are answered
    // The broker the in-flight batches went to. After a leader change, newer batches wait
    // until those are answered: sent to the new leader at once they could be appended
    // before an older batch that then fails and is retried there.
    std::int32_t in_flight_node = -1;
    // Idempotence: a batch was acknowledged under the current producer id and epoch. A
    // broker without state for this producer on the partition accepts any sequence (Kafka
    // does, for state lost to retention), so until then a batch sent behind a first one
    // that fails would be appended before it: the partition sends one batch at a time.
    bool acknowledged = false;
  };
  struct InFlight {
    std::int32_t node = -1;
    std::vector<std::pair<PartitionQueue*, BatchPtr>> batches;
  };

  void run();
  void schedule(SteadyClock::time_point when);
  void on_metadata(const Error* error);
  void expire(SteadyClock::time_point now);
  void report_queue_sizes(SteadyClock::time_point now);
  void maybe_init_producer_id();
  void on_producer_id(Result<protocol::InitProducerIdResponse> response, bool bump);
  void renumber_unsent();
  bool send_ready(SteadyClock::time_point now);
  bool prepare(PartitionQueue& q, ProducerBatch& batch);
  void send_request(std::int32_t node, std::vector<std::pair<PartitionQueue*, BatchPtr>> batches);
  void on_response(std::uint64_t id, Result<protocol::ProduceResponse> response);
  void handle_partition(PartitionQueue& q, BatchPtr batch, int error_code,
                        const std::string& message, std::int64_t base_offset,
                        std::int64_t log_append_time, bool transport_error);
  void retry(PartitionQueue& q, BatchPtr batch, const Error& error, bool possibly_persisted);
  void complete(PartitionQueue* q, BatchPtr batch, std::optional<Error> error,
                std::int64_t base_offset, std::int64_t log_append_time, Persistence persistence);
  PartitionQueue& queue_for(const std::string& topic, std::int32_t partition);
  std::size_t in_flight_total() const { return in_flight_.size(); }

  net::EventLoop& loop_;
  ProducerConfig config_;  // a copy: idempotence may be turned off for an old broker
  RecordAccumulator& accumulator_;
  DeliveryQueue& deliveries_;

  net::ConnectionPool pool_;  /// @thread loop (every member below too, unless atomic)
  MetadataUpdater metadata_;
  IdempotenceState idempotence_;
  bool producer_id_in_flight_ = false;
  SteadyClock::time_point producer_id_retry_at_{};
  std::map<std::pair<std::string, std::int32_t>, PartitionQueue> queues_;
  std::map<std::uint64_t, InFlight> in_flight_;
  std::map<std::int32_t, int> node_in_flight_;
  std::uint64_t next_request_id_ = 1;
  std::size_t drain_start_ = 0;  // the partition send_ready() looks at first
  std::vector<PartitionQueue*> drain_order_;
  SteadyClock::time_point next_queue_report_{};
  net::EarliestTimer timer_;
  bool shut_down_ = false;
  std::optional<Error> fatal_;  // every record fails with it from now on

  std::atomic<bool> wake_pending_{false};
  std::atomic<int> flushing_{0};
  std::shared_ptr<Sender*> self_;  // callbacks that outlive the sender see null
};

}  // namespace kafkit::client
