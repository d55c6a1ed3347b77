// `kafkit -C` (assigned partitions of one topic, as kcat's simple consumer) and
// `kafkit -G group topic...` (a member of a consumer group, as kcat's KafkaConsumer mode).
// Both print each message with the -f format, kcat's default format or the -J envelope,
// and write kcat's informational lines ("% Reached end of topic ...") on stderr.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <streambuf>

#include "client_config.hpp"
#include "json_envelope.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/consumer.hpp"
#include "message_format.hpp"
#include "modes.hpp"
#include "pack_serdes.hpp"
#include "progress.hpp"
#include "start_offset.hpp"
#include "stdout_sink.hpp"

namespace kafkit::cli {
namespace {

using std::chrono::milliseconds;

/// @thread written by the signal handler, read by the poll loop.
volatile std::sig_atomic_t g_signalled = 0;
extern "C" void on_stop_signal(int) {
  g_signalled = 1;
}

/// SIGINT / SIGTERM end the poll loop (so -G commits and leaves the group); a closed
/// stdout pipe shows as a failed write instead of killing the process.
class SignalScope {
 public:
  SignalScope() {
    g_signalled = 0;
    int_ = std::signal(SIGINT, on_stop_signal);
    term_ = std::signal(SIGTERM, on_stop_signal);
    pipe_ = std::signal(SIGPIPE, SIG_IGN);
  }
  ~SignalScope() {
    std::signal(SIGINT, int_);
    std::signal(SIGTERM, term_);
    std::signal(SIGPIPE, pipe_);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  void (*int_)(int);
  void (*term_)(int);
  void (*pipe_)(int);
};

/// Swallows the admin client's "this is a consumer property" warnings: the admin only
/// looks metadata up, the consumer's own config already warned.
struct NullBuffer : std::streambuf {
  int overflow(int c) override { return c; }
};

std::string where(std::string_view topic, std::int32_t partition) {
  return std::string(topic) + " [" + std::to_string(partition) + "]";
}

/// Each partition's leader: kcat's "broker" in -J is the broker the message came from.
class Leaders {
 public:
  Leaders(Admin& admin, milliseconds timeout) : admin_(admin), timeout_(timeout) {}

  void add(const TopicDescription& topic) {
    auto& ids = by_topic_[topic.name];
    for (const auto& p : topic.partitions) {
      if (p.partition < 0) continue;
      if (ids.size() <= static_cast<size_t>(p.partition)) ids.resize(p.partition + 1, -1);
      ids[p.partition] = p.leader;
    }
  }

  std::int32_t of(std::string_view topic, std::int32_t partition) {
    if (!last_ || last_topic_ != topic) {
      auto it = by_topic_.find(topic);
      if (it == by_topic_.end()) {
        // A topic a -G regex picked up: look it up once.
        auto got = admin_.describe_topics({std::string(topic)}, false, timeout_);
        if (got.ok() && !got->empty()) add(got->front());
        it = by_topic_.try_emplace(std::string(topic)).first;
      }
      last_topic_ = it->first;
      last_ = &it->second;
    }
    if (partition < 0 || static_cast<size_t>(partition) >= last_->size()) return -1;
    return (*last_)[partition];
  }

 private:
  Admin& admin_;
  milliseconds timeout_;
  std::map<std::string, std::vector<std::int32_t>, std::less<>> by_topic_;
  std::string_view last_topic_;
  const std::vector<std::int32_t>* last_ = nullptr;
};

/// What happens to one assigned partition while consuming.
struct PartitionState {
  bool stopped = false;            // -C: at its end with -e, or past e@ms
  bool at_eof = false;             // -G -e: at its end (until a newer message arrives)
  std::int64_t end_reported = -1;  // the end offset last reported "Reached end" at
};

class ConsumeSession {
 public:
  explicit ConsumeSession(const CliOptions& options)
      : o_(options),
        group_mode_(options.mode == Mode::group),
        range_(parse_offsets(options.offsets.empty() && options.offset
                                 ? std::vector<std::string>{*options.offset}
                                 : options.offsets)),
        metadata_timeout_(options.metadata_timeout_ms),
        null_stream_(&null_buffer_),
        admin_(client_config(options, Role::admin, null_stream_)),
        leaders_(admin_, metadata_timeout_),
        sink_(options.unbuffered),
        progress_("consumed", options.progress && Progress::stderr_is_tty(), options.verbosity > 0,
                  std::cerr) {
    check_arguments();
    FormatOptions fo;
    fo.null_empty = o_.null_empty;
    fo.encoding = o_.encoding;
    fo.key_pack = o_.key_serdes;
    fo.value_pack = o_.value_serdes;
    auto tokens = parse_format(o_.format ? *o_.format : default_format(o_));
    json_delimiter_ = json_delimiter(tokens);
    formatter_ = std::make_unique<MessageFormatter>(std::move(tokens), std::move(fo));
  }

  ~ConsumeSession() {
    // When run() did not get to close it (an error): close while every member the
    // rebalance callbacks touch is still alive.
    if (consumer_) (void)consumer_->close(milliseconds(2000));
  }
  ConsumeSession(const ConsumeSession&) = delete;
  ConsumeSession& operator=(const ConsumeSession&) = delete;

  int run() {
    SignalScope signals;
    if (group_mode_)
      start_group();
    else
      start_assigned();
    std::vector<ConsumerRecord> unprocessed;
    while (running_ && !g_signalled) {
      PollResult got = consumer_->poll(milliseconds(100));
      for (const auto& e : got.events) handle_event(e);
      for (size_t i = 0; i < got.records.size(); ++i) {
        if (!running_ || g_signalled) {
          unprocessed.assign(got.records.begin() + static_cast<std::ptrdiff_t>(i),
                             got.records.end());
          break;
        }
        handle_record(got.records[i]);
      }
      if (running_ && !got.records.empty()) check_ends(got.records);
    }
    sink_.flush();
    rewind(unprocessed);
    progress_.finish();
    auto closed = consumer_->close(group_mode_ ? milliseconds(10000) : milliseconds(2000));
    if (!closed.ok() && group_mode_ && o_.verbosity > 0)
      std::fprintf(stderr, "%% ERROR: Failed to close consumer: %s\n",
                   closed.error().message.c_str());
    return exit_code_;
  }

 private:
  void check_arguments() {
    for (const auto& [what, pack] :
         {std::pair{"key", o_.key_serdes}, std::pair{"value", o_.value_serdes}}) {
      if (!pack) continue;
      if (*pack == "avro")
        throw UsageError("-s avro: Avro and the schema registry are not supported");
      check_pack_format(what, *pack);
    }
    if (group_mode_) {
      if (o_.operands.empty())
        throw UsageError("-G needs topics: kafkit -G <group> topic1 ^regex..");
      if (range_.stop_time || (range_.start && range_.start->kind == StartOffset::Kind::time))
        throw UsageError("-o ..@ timestamps can't be used with -G mode");
    } else {
      if (o_.topics.empty()) throw UsageError("-t <topic> missing");
      if (!o_.operands.empty())
        throw UsageError("file/topic list only allowed in producer(-P)/kafkaconsumer(-G) mode");
    }
  }

  Config consumer_config() const {
    Config config = client_config(o_, Role::consumer, std::cerr);
    config.set("enable.partition.eof", "true");
    if (group_mode_)
      config.set("group.id", o_.group);
    else if (!config.get("enable.auto.commit"))
      config.set("enable.auto.commit", "false");  // kcat -C never commits unless told to
    return config;
  }

  /// Looks `topics` up (bounded by -m); an unreachable cluster or an unknown topic is one
  /// error line and exit 1, as kcat's "Failed to query metadata" / "Topic t error".
  std::vector<TopicDescription> describe(const std::vector<std::string>& topics) {
    auto got = admin_.describe_topics(topics, false, metadata_timeout_);
    if (!got.ok())
      throw std::runtime_error("failed to query metadata for topic " + topics.front() + ": " +
                               got.error().message);
    for (const auto& t : *got) {
      if (t.error.code == 3)  // UNKNOWN_TOPIC_OR_PARTITION
        throw std::runtime_error("no such topic in cluster: " + t.name);
      if (!t.error.ok()) throw std::runtime_error("topic " + t.name + " error: " + t.error.message);
      if (t.partitions.empty()) throw std::runtime_error("topic " + t.name + " has no partitions");
      leaders_.add(t);
    }
    return std::move(*got);
  }

  // ---- -C: every partition of one topic (or -p), from -o, never committing ----

  void start_assigned() {
    const std::string& topic = o_.topics.back();  // kcat: the last -t wins
    auto topics = describe({topic});
    std::vector<std::int32_t> ids;
    for (const auto& p : topics.front().partitions) ids.push_back(p.partition);
    std::sort(ids.begin(), ids.end());
    if (o_.partition && *o_.partition >= 0) {  // kcat: -p -1 is every partition
      if (std::find(ids.begin(), ids.end(), *o_.partition) == ids.end())
        throw std::runtime_error("topic " + topic + " (with partitions 0.." +
                                 std::to_string(ids.size() - 1) + "): partition " +
                                 std::to_string(*o_.partition) + " does not exist");
      ids = {*o_.partition};
    }
    Config config = consumer_config();
    if (range_.start && range_.start->kind == StartOffset::Kind::stored && !config.get("group.id"))
      throw std::runtime_error("-o stored needs a group to read offsets from: -X group.id=<group>");
    consumer_ = std::make_unique<Consumer>(config);
    std::vector<TopicPartition> parts;
    for (auto id : ids) parts.push_back({topic, id});
    auto assignment = start_offsets(parts, range_.start.value_or(StartOffset{}));
    for (const auto& tp : parts) partitions_[tp];
    if (auto r = consumer_->assign(assignment); !r.ok())
      throw std::runtime_error("failed to start consuming " + topic + ": " + r.error().message);
    // A partition that starts at its end is reported now, not after the first fetch has
    // waited fetch.max.wait.ms at the broker for records that are not there.
    auto high = list_offsets(parts, offsets::end);
    for (size_t i = 0; i < parts.size(); ++i)
      if (assignment[i].offset == high[i] || assignment[i].offset == offsets::end)
        reached_end(parts[i]);
  }

  /// Each partition's offset for `spec` (offsets::beginning / end or a time), looked up
  /// with the admin client, which already knows the leaders: the consumer would first
  /// fetch metadata of its own and wait a retry backoff.
  std::vector<std::int64_t> list_offsets(const std::vector<TopicPartition>& parts,
                                         std::int64_t spec) {
    std::vector<TopicPartitionOffset> query;
    for (const auto& tp : parts) query.push_back({tp.topic, tp.partition, spec});
    auto got = admin_.list_offsets(query, metadata_timeout_);
    if (!got.ok())
      throw std::runtime_error("failed to query offsets of topic " + parts.front().topic + ": " +
                               got.error().message);
    std::vector<std::int64_t> out;
    for (const auto& tp : parts) {
      auto it = std::find_if(got->begin(), got->end(), [&](const PartitionOffset& p) {
        return p.topic == tp.topic && p.partition == tp.partition;
      });
      if (it == got->end() || !it->error.ok())
        throw std::runtime_error("failed to query offsets of " + where(tp.topic, tp.partition) +
                                 ": " + (it == got->end() ? "no answer" : it->error.message));
      out.push_back(it->offset);
    }
    return out;
  }

  /// The first offset to read in each partition.
  std::vector<TopicPartitionOffset> start_offsets(const std::vector<TopicPartition>& parts,
                                                  const StartOffset& start) {
    using K = StartOffset::Kind;
    std::vector<TopicPartitionOffset> out;
    for (const auto& tp : parts) out.push_back({tp.topic, tp.partition, offsets::beginning});
    switch (start.kind) {
      case K::beginning: {
        auto low = list_offsets(parts, offsets::beginning);
        for (size_t i = 0; i < out.size(); ++i) out[i].offset = low[i];
        break;
      }
      case K::end: {
        auto high = list_offsets(parts, offsets::end);
        for (size_t i = 0; i < out.size(); ++i) out[i].offset = high[i];
        break;
      }
      case K::stored:
        for (auto& p : out) p.offset = offsets::stored;
        break;
      case K::absolute:
        for (auto& p : out) p.offset = start.value;
        break;
      case K::tail: {
        auto low = list_offsets(parts, offsets::beginning);
        auto high = list_offsets(parts, offsets::end);
        for (size_t i = 0; i < out.size(); ++i)
          out[i].offset = tail_offset(low[i], high[i], start.value);
        break;
      }
      case K::time: {
        // No message at or after the time: start at the end, as kcat does.
        auto found = list_offsets(parts, start.value);
        for (size_t i = 0; i < out.size(); ++i)
          out[i].offset = found[i] < 0 ? offsets::end : found[i];
        break;
      }
    }
    return out;
  }

  // ---- -G: a group member, committing as librdkafka's defaults do ----

  void start_group() {
    std::vector<std::string> named;
    for (const auto& t : o_.operands)
      if (t.empty() || t[0] != '^') named.push_back(t);
    if (!named.empty()) describe(named);
    ConsumerCallbacks callbacks;
    callbacks.on_assigned = [this](const std::vector<TopicPartition>& parts) { assigned(parts); };
    callbacks.on_revoked = [this](const std::vector<TopicPartition>& parts) {
      revoked(parts, false);
    };
    callbacks.on_lost = [this](const std::vector<TopicPartition>& parts) { revoked(parts, true); };
    Config config = consumer_config();
    // The COOPERATIVE protocol is used when every assignor is cooperative (KIP-429).
    auto strategy = config.get("partition.assignment.strategy");
    cooperative_ = strategy && *strategy == "cooperative-sticky";
    consumer_ = std::make_unique<Consumer>(config, std::move(callbacks));
    if (auto r = consumer_->subscribe(o_.operands); !r.ok())
      throw std::runtime_error("failed to subscribe to " + std::to_string(o_.operands.size()) +
                               " topics: " + r.error().message);
    info("Waiting for group rebalance\n");
  }

  /// kcat's rebalance line: "assigned" / "revoked" for eager assignors; for
  /// cooperative-sticky its "incremental assignment / revoke" form.
  void print_rebalance(bool assign, bool lost, const std::vector<TopicPartition>& parts) {
    if (o_.verbosity < 1) return;
    std::string line = "% Group " + o_.group + " rebalanced";
    if (cooperative_)
      line += std::string(": incremental ") + (assign ? "assignment" : "revoke") + " of " +
              std::to_string(parts.size()) + " partition(s) (memberid " + consumer_->member_id() +
              (lost ? ", assignment lost" : "") + ", COOPERATIVE rebalance protocol): ";
    else
      line +=
          " (memberid " + consumer_->member_id() + "): " + (assign ? "assigned" : "revoked") + ": ";
    for (size_t i = 0; i < parts.size(); ++i)
      line += (i ? ", " : "") + where(parts[i].topic, parts[i].partition);
    line += '\n';
    std::fputs(line.c_str(), stderr);
  }

  void assigned(const std::vector<TopicPartition>& parts) {
    print_rebalance(true, false, parts);
    for (const auto& tp : parts) partitions_[tp] = {};
    // kcat -G -o applies the start offset to every partition it is given.
    if (!range_.start || range_.start->kind == StartOffset::Kind::stored) return;
    try {
      for (const auto& p : start_offsets(parts, *range_.start)) {
        auto r = consumer_->seek({p.topic, p.partition}, p.offset);
        if (!r.ok())
          error_line("seek of " + where(p.topic, p.partition) + ": " + r.error().message);
      }
    } catch (const std::exception& e) {
      // Runs inside poll(): end the loop instead of throwing through the consumer.
      std::fprintf(stderr, "%% ERROR: %s: terminating\n", e.what());
      exit_code_ = kFailExit;
      running_ = false;
    }
  }

  void revoked(const std::vector<TopicPartition>& parts, bool lost) {
    print_rebalance(false, lost, parts);
    for (const auto& tp : parts) {
      auto it = partitions_.find(tp);
      if (it == partitions_.end()) continue;
      if (it->second.at_eof) --eof_count_;
      partitions_.erase(it);
    }
  }

  // ---- shared ----

  void info(const std::string& text) const {
    if (o_.verbosity >= 1) std::fputs(("% " + text).c_str(), stderr);
  }

  void error_line(const std::string& text) const {
    if (o_.verbosity >= 1) std::fputs(("% ERROR: " + text + "\n").c_str(), stderr);
  }

  void handle_event(const ConsumerEvent& e) {
    using T = ConsumerEvent::Type;
    switch (e.type) {
      case T::partition_eof:
        for (const auto& tp : e.partitions) reached_end(tp);
        break;
      case T::error:
        if (e.error) error_line(e.error->message);
        break;
      case T::fatal:
        std::fprintf(stderr, "%% ERROR: %s: terminating\n",
                     e.error ? e.error->message.c_str() : "fatal consumer error");
        exit_code_ = kFailExit;
        running_ = false;
        break;
      default:
        break;
    }
  }

  /// A partition whose last fetch ended at its high watermark is at its end now; the
  /// consumer's own end-of-partition event only comes with the next (empty) fetch, which
  /// the broker holds for fetch.max.wait.ms. Saves that wait per partition with -e.
  void check_ends(const std::vector<ConsumerRecord>& records) {
    std::vector<TopicPartition> seen;
    for (const auto& r : records) {
      if (!seen.empty() && seen.back().partition == r.partition && seen.back().topic == r.topic)
        continue;
      TopicPartition tp{std::string(r.topic), r.partition};
      if (std::find(seen.begin(), seen.end(), tp) == seen.end()) seen.push_back(std::move(tp));
    }
    for (const auto& tp : seen)
      if (consumer_->lag(tp) == 0) reached_end(tp);
  }

  void reached_end(const TopicPartition& tp) {
    auto it = partitions_.find(tp);
    if (it == partitions_.end() || it->second.stopped) return;
    auto pos = consumer_->position(tp);
    std::int64_t offset = pos.ok() ? *pos : -1;
    // Reported once per end offset, whether check_ends or the consumer's event saw it.
    if (offset == it->second.end_reported) return;
    it->second.end_reported = offset;
    if (o_.exit_at_end) {
      if (!group_mode_) {
        stop_partition(it->second);
        (void)consumer_->pause({tp});
      } else if (!it->second.at_eof) {
        it->second.at_eof = true;
        if (++eof_count_ == partitions_.size()) running_ = false;
      }
    }
    info("Reached end of topic " + where(tp.topic, tp.partition) + " at offset " +
         std::to_string(offset) + (running_ ? "" : ": exiting") + "\n");
  }

  void stop_partition(PartitionState& p) {
    if (p.stopped) return;
    p.stopped = true;
    if (++stopped_count_ >= partitions_.size()) running_ = false;
  }

  PartitionState* state_of(const ConsumerRecord& r) {
    auto it = partitions_.find(TopicPartition{std::string(r.topic), r.partition});
    return it == partitions_.end() ? nullptr : &it->second;
  }

  void handle_record(const ConsumerRecord& r) {
    if (stopped_count_ > 0 || eof_count_ > 0 || range_.stop_time) {
      PartitionState* p = state_of(r);
      if (p && p->stopped) return;  // kcat stopped fetching it at its end / stop time
      if (p && p->at_eof) {
        p->at_eof = false;
        --eof_count_;
      }
      if (p && range_.stop_time && r.timestamp >= *range_.stop_time) {
        stop_partition(*p);
        (void)consumer_->pause({{std::string(r.topic), r.partition}});
        info("Reached stop timestamp for topic " + where(r.topic, r.partition) + " at offset " +
             std::to_string(r.offset) + (running_ ? "" : ": exiting") + "\n");
        return;
      }
    }
    if (!print(r)) return;
    progress_.add((r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0));
    if (o_.count && *o_.count > 0 && ++printed_ == static_cast<std::uint64_t>(*o_.count))
      running_ = false;
  }

  /// False when the message could not be formatted.
  bool print(const ConsumerRecord& r) {
    std::string& out = sink_.buffer();
    if (o_.json) {
      append_json_envelope(out, r, leaders_.of(r.topic, r.partition), o_.encoding);
      out += json_delimiter_;
    } else if (!formatter_->append(out, r, format_error_)) {
      // kcat prints what it formatted before the failure, then the error.
      sink_.flush();
      if (o_.exit_on_error) {
        std::fprintf(stderr, "%% ERROR: %s: terminating\n", format_error_.c_str());
        exit_code_ = kFailExit;
        running_ = false;
      } else {
        std::fprintf(stderr, "%% ERROR: %s\n", format_error_.c_str());
      }
      return false;
    }
    sink_.message_done();
    if (sink_.failed()) running_ = false;  // stdout closed (`| head`): stop quietly
    return true;
  }

  /// Stopping in the middle of a poll's records (-c, a signal): move those partitions
  /// back to the first record not printed, so the commit on close (-G) covers exactly
  /// what was printed, as kcat's one-message-at-a-time poll does.
  void rewind(const std::vector<ConsumerRecord>& unprocessed) {
    std::map<TopicPartition, std::int64_t> first;
    for (const auto& r : unprocessed)
      first.try_emplace({std::string(r.topic), r.partition}, r.offset);
    for (const auto& [tp, offset] : first) (void)consumer_->seek(tp, offset);
  }

  const CliOptions& o_;
  bool group_mode_;
  OffsetRange range_;
  milliseconds metadata_timeout_;
  NullBuffer null_buffer_;
  std::ostream null_stream_;
  Admin admin_;
  Leaders leaders_;
  StdoutSink sink_;
  Progress progress_;
  std::unique_ptr<MessageFormatter> formatter_;
  std::string json_delimiter_;
  std::string format_error_;
  std::map<TopicPartition, PartitionState> partitions_;
  size_t stopped_count_ = 0;
  size_t eof_count_ = 0;
  std::uint64_t printed_ = 0;
  bool running_ = true;
  int exit_code_ = kOkExit;
  bool cooperative_ = false;
  // Last, so it goes first: its callbacks use the members above.
  std::unique_ptr<Consumer> consumer_;
};

}  // namespace

int run_consume(const CliOptions& options) {
  ConsumeSession session(options);
  return session.run();
}

}  // namespace kafkit::cli
