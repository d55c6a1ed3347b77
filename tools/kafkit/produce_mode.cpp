// `kafkit -P`: kcat's producer. Messages come from stdin (or the one file of -l) split at
// -D, from whole files given as operands, or (-J) from the JSON envelope the consumer
// prints. Each is sent with kafkit::Producer's batch path and counted by its delivery
// report; every failure gets a line on stderr and makes the exit code non-zero.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "binary_encoding.hpp"
#include "client_config.hpp"
#include "delivery_tracker.hpp"
#include "json_input.hpp"
#include "kafkit/admin.hpp"
#include "kafkit/producer.hpp"
#include "message_reader.hpp"
#include "modes.hpp"
#include "progress.hpp"

namespace kafkit::cli {
namespace {

// UNKNOWN_TOPIC_OR_PARTITION: what send() fails with when the topic is not in the
// metadata within max.block.ms.
constexpr int kUnknownTopicOrPartition = 3;

/// SIGINT / SIGTERM seen (a count: the second one stops waiting for delivery reports).
std::atomic<int> g_signals{0};

extern "C" void count_signal(int) {
  g_signals.fetch_add(1);
}

/// Installs the handlers for one run (without SA_RESTART, so a read() waiting on stdin
/// returns and the loop sees the signal) and ignores SIGPIPE (a closed -T reader is a write
/// error here, reported, rather than a silent death with messages in flight).
class SignalScope {
 public:
  SignalScope() {
    g_signals.store(0);
    struct sigaction sa {};
    sa.sa_handler = count_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old_pipe_);
  }
  ~SignalScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGPIPE, &old_pipe_, nullptr);
  }
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_pipe_ {};
};

/// The bytes a delivered message adds to the progress count: key + value.
std::uint64_t size_of(const ProducerRecord& r) {
  return (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
}

bool stop_requested() {
  return g_signals.load(std::memory_order_relaxed) > 0;
}

/// The producer's configuration: the command line's producer properties, -z, and the
/// CLI's defaults where the user set nothing.
Config producer_config(const CliOptions& o) {
  Config c = client_config(o, Role::producer, std::cerr);
  if (o.compression) c.set("compression.type", *o.compression);
  // kcat waits up to 30 s (librdkafka's topic.metadata.propagation.max.ms) before failing
  // a message to a topic that does not exist; kafkit -P gives up on a topic (or on brokers
  // that do not answer) after -m seconds, as its other modes do. A full buffer is retried
  // below, so this bound only decides how long a missing topic is waited for.
  if (!c.get("max.block.ms")) c.set("max.block.ms", std::to_string(o.metadata_timeout_ms));
  // Everything else keeps the producer's defaults, which match librdkafka's (and so
  // kcat's) where it matters for throughput: linger.ms=5, batch.num.messages=10000,
  // queue.buffering.max.messages=100000, partitioner=consistent_random.
  return c;
}

/// Why a send was refused, in one line: a missing topic is told apart from a cluster that
/// cannot be reached by asking for the cluster's description.
std::string explain_refusal(const CliOptions& o, const Error& error, std::string_view topic,
                            std::uint64_t number) {
  if (error.code == kUnknownTopicOrPartition &&
      error.message.find("not present in metadata") != std::string::npos) {
    auto seconds = std::to_string(o.metadata_timeout_ms / 1000);
    std::string bootstrap = o.config.get("bootstrap.servers").value_or("");
    try {
      std::ostringstream ignored;
      Admin admin(client_config(o, Role::admin, ignored));
      auto cluster = admin.describe_cluster(
          std::chrono::milliseconds(std::min<std::int64_t>(o.metadata_timeout_ms, 1000)));
      if (!cluster)
        return "cannot reach the cluster at " + bootstrap + " within " + seconds +
               " s: " + cluster.error().message;
    } catch (const std::exception&) {
      // No admin client for this configuration: the producer's own message stands.
    }
    return "topic " + std::string(topic) + " does not exist (not in the metadata of " + bootstrap +
           " after " + seconds + " s; the cluster does not create it)";
  }
  return "cannot produce message " + std::to_string(number) + " to " + std::string(topic) + ": " +
         error.message;
}

/// Hands records to the producer, retrying while its buffer is full (as kcat does), and
/// remembers the first refusal (which ends the run).
class Sender {
 public:
  Sender(const CliOptions& options, Producer& producer) : options_(options), producer_(producer) {}

  /// Sends every record; false when one was refused (reported on stderr then).
  bool send(std::span<const ProducerRecord> records) {
    std::size_t done = 0;
    while (done < records.size()) {
      BatchSendResult r = producer_.send_batch(records.subspan(done));
      done += r.accepted;
      sent_ += r.accepted;
      if (!r.error) break;
      // The buffer drains as delivery reports are served (send_batch serves them while it
      // waits); each record's report comes within delivery.timeout.ms, so this ends.
      if (r.error->code == errc::queue_full && !stop_requested()) continue;
      if (r.error->code == errc::queue_full) return false;  // interrupted: not a refusal
      const ProducerRecord& bad = records[done];
      auto number = DeliveryTracker::number_of(bad.opaque);
      std::fprintf(stderr, "kafkit: %s\n",
                   explain_refusal(options_, *r.error, bad.topic, number).c_str());
      refused_ = true;
      return false;
    }
    producer_.poll();
    return true;
  }

  std::uint64_t sent() const noexcept { return sent_; }
  bool refused() const noexcept { return refused_; }

 private:
  const CliOptions& options_;
  Producer& producer_;
  std::uint64_t sent_ = 0;
  bool refused_ = false;
};

/// -T: kcat writes each message it produced, as read (key delimiter included), with no
/// delimiter after it; kafkit's stdout is kept byte-identical to kcat's.
class Tee {
 public:
  explicit Tee(const CliOptions& o) : enabled_(o.tee) {
    // -u: every message reaches stdout as it is sent (kcat: setbuf(stdout, NULL)).
    if (enabled_) std::setvbuf(stdout, nullptr, o.unbuffered ? _IONBF : _IOFBF, 1 << 20);
  }
  bool write(std::string_view message) {
    if (!enabled_ || failed_) return !failed_;
    if (std::fwrite(message.data(), 1, message.size(), stdout) != message.size()) fail();
    return !failed_;
  }
  bool flush() {
    if (enabled_ && !failed_ && std::fflush(stdout) != 0) fail();
    return !failed_;
  }
  bool failed() const noexcept { return failed_; }

 private:
  void fail() {
    failed_ = true;
    std::fprintf(stderr, "kafkit: -T: cannot write to stdout: %s\n", std::strerror(errno));
  }
  bool enabled_;
  bool failed_ = false;
};

struct RunState {
  const CliOptions& options;
  Sender& sender;
  Tee& tee;
  std::vector<Header> headers;  // -H, on every message
  std::optional<std::int32_t> partition;
  std::uint64_t number = 0;   // messages read so far (the reports name them by it)
  bool input_failed = false;  // a read error, a file that cannot be opened, a bad line

  bool count_reached() const {
    return options.count && number >= static_cast<std::uint64_t>(*options.count);
  }
};

/// Delimited messages from `fd` (stdin, or the file of -l).
void produce_delimited(RunState& s, int fd) {
  const CliOptions& o = s.options;
  const std::string& topic = o.topics.front();
  MessageReader reader(fd, o.delimiter);
  std::vector<std::string_view> messages;
  std::vector<ProducerRecord> records;
  std::vector<std::string_view> echoed;
  std::deque<std::string> decoded;  // --encoding: the bytes the views point at
  bool decode_input = o.encoding != Encoding::none;
  while (!stop_requested() && !s.count_reached()) {
    messages.clear();
    auto more = reader.read_batch(messages);
    if (!more) {
      std::fprintf(stderr, "kafkit: %s\n", more.error().message.c_str());
      s.input_failed = true;
      break;
    }
    if (!*more) break;
    records.clear();
    echoed.clear();
    decoded.clear();
    for (std::string_view m : messages) {
      if (m.empty()) continue;  // kcat skips empty messages (also with -Z)
      if (s.count_reached()) break;
      ProducerRecord r;
      r.topic = topic;
      r.partition = s.partition;
      r.value = m;
      if (o.key_delimiter) {
        auto [key, value] = split_key(m, *o.key_delimiter);
        r.key = key;
        if (key) {
          r.value = value;
          // -Z: an empty key or value next to a key delimiter is sent as null.
          if (o.null_empty && key->empty()) r.key.reset();
          if (o.null_empty && value.empty()) r.value.reset();
        }
      }
      // -k fills in for a message without its own key (as kcat: also one -Z made null).
      if (!r.key && o.fixed_key) r.key = *o.fixed_key;
      if (decode_input) {
        for (auto* field : {&r.key, &r.value}) {
          if (!*field) continue;
          auto bytes = decode(**field, o.encoding);
          if (!bytes) {
            std::fprintf(stderr, "kafkit: message %llu: %s is not valid %s\n",
                         static_cast<unsigned long long>(s.number + 1),
                         field == &r.key ? "the key" : "the value", encoding_name(o.encoding));
            s.input_failed = true;
            break;
          }
          *field = decoded.emplace_back(std::move(*bytes));
        }
        if (s.input_failed) break;
      }
      r.headers = s.headers;
      r.opaque = DeliveryTracker::tag(++s.number, size_of(r));
      records.push_back(r);
      echoed.push_back(m);
    }
    std::uint64_t before = s.sender.sent();
    bool sent = s.sender.send(records);
    // kcat echoes each message it produced: those accepted before any refusal.
    std::uint64_t accepted = s.sender.sent() - before;
    for (std::size_t i = 0; i < accepted; ++i) s.tee.write(echoed[i]);
    if (!sent || s.input_failed || s.tee.failed()) break;
  }
}

/// -J: one JSON envelope per line (json_input.hpp).
void produce_json(RunState& s, int fd) {
  const CliOptions& o = s.options;
  MessageReader reader(fd, o.delimiter);
  std::vector<std::string_view> lines;
  std::vector<JsonMessage> parsed;
  std::vector<Header> headers;  // each record's list (-H first, then its own), back to back
  std::vector<ProducerRecord> records;
  std::vector<std::string_view> echoed;
  std::uint64_t line_number = 0;
  while (!stop_requested() && !s.count_reached()) {
    lines.clear();
    auto more = reader.read_batch(lines);
    if (!more) {
      std::fprintf(stderr, "kafkit: %s\n", more.error().message.c_str());
      s.input_failed = true;
      break;
    }
    if (!*more) break;
    parsed.clear();
    echoed.clear();
    for (std::string_view line : lines) {
      ++line_number;
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      if (o.count && s.number + parsed.size() >= static_cast<std::uint64_t>(*o.count)) break;
      auto m = parse_json_message(line, o.encoding);
      if (m && !m->topic && o.topics.empty())
        m = Error{errc::invalid_argument, "no \"topic\" field and no -t topic"};
      if (!m) {
        // The lines before this one are still sent; nothing after it is.
        std::fprintf(stderr, "kafkit: -J input line %llu: %s\n",
                     static_cast<unsigned long long>(line_number), m.error().message.c_str());
        s.input_failed = true;
        break;
      }
      parsed.push_back(std::move(*m));
      echoed.push_back(line);
    }
    headers.clear();
    for (const JsonMessage& m : parsed) {
      headers.insert(headers.end(), s.headers.begin(), s.headers.end());
      for (const auto& [name, value] : m.headers) headers.push_back(Header{name, value});
    }
    // The spans are taken once `headers` no longer grows.
    records.clear();
    std::size_t next_header = 0;
    for (const JsonMessage& m : parsed) {
      ProducerRecord r;
      r.topic = m.topic ? std::string_view(*m.topic) : std::string_view(o.topics.front());
      r.partition = m.partition ? m.partition : s.partition;
      r.key = m.key;
      if (!r.key && o.fixed_key) r.key = *o.fixed_key;
      r.value = m.payload;
      std::size_t count = s.headers.size() + m.headers.size();
      r.headers = std::span<const Header>(headers).subspan(next_header, count);
      next_header += count;
      r.timestamp = m.timestamp;
      r.opaque = DeliveryTracker::tag(++s.number, size_of(r));
      records.push_back(r);
    }
    std::uint64_t before = s.sender.sent();
    bool sent = s.sender.send(records);
    std::uint64_t accepted = s.sender.sent() - before;
    for (std::size_t i = 0; i < accepted; ++i) {
      s.tee.write(echoed[i]);
      s.tee.write("\n");
    }
    if (!sent || s.input_failed || s.tee.failed()) break;
  }
}

/// File operands without -l: each whole file is one message (kcat skips empty files).
void produce_files(RunState& s) {
  const CliOptions& o = s.options;
  for (const std::string& path : o.operands) {
    if (stop_requested()) break;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::fprintf(stderr, "kafkit: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
      s.input_failed = true;
      continue;
    }
    std::string content;
    char buf[1 << 16];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) content.append(buf, static_cast<size_t>(n));
    int read_errno = errno;
    ::close(fd);
    if (n < 0) {
      std::fprintf(stderr, "kafkit: cannot read %s: %s\n", path.c_str(), std::strerror(read_errno));
      s.input_failed = true;
      continue;
    }
    if (content.empty()) continue;
    ProducerRecord r;
    r.topic = o.topics.front();
    r.partition = s.partition;
    r.value = content;
    if (o.fixed_key) r.key = *o.fixed_key;
    r.headers = s.headers;
    r.opaque = DeliveryTracker::tag(++s.number, size_of(r));
    if (!s.sender.send(std::span<const ProducerRecord>(&r, 1))) break;
  }
}

/// Waits for every report (a second Ctrl-C stops waiting), then closes the producer: what
/// is still without a report then fails, and each failure is reported.
void finish(Producer& producer, DeliveryTracker& tracker, const Sender& sender) {
  int signals = g_signals.load();
  while (tracker.outstanding(sender.sent()) > 0 && g_signals.load() <= signals) {
    auto flushed = producer.flush(std::chrono::milliseconds(200));
    if (flushed) break;
  }
  (void)producer.close(std::chrono::milliseconds(0));
}

void check_options(const CliOptions& o) {
  if (o.config.get("transactional.id"))
    throw UsageError(
        "-X transactional.id: the kafkit producer has no transactions yet; produce without "
        "transactional.id");
  if (o.topics.empty() && !o.json) throw UsageError("-P needs a topic: -t <topic>");
  if (o.topics.size() > 1) throw UsageError("-P takes one -t topic");
  if (o.delimiter.empty()) throw UsageError("-D: the delimiter must not be empty");
  if (o.key_delimiter && o.key_delimiter->empty())
    throw UsageError("-K: the key delimiter must not be empty");
  if (o.partition && *o.partition < -1)
    throw UsageError("-p: " + std::to_string(*o.partition) + " is not a partition (-1: any)");
  if (o.file_mode && o.operands.size() > 1) throw UsageError("-l: only one file may be given");
  if (o.json && o.operands.size() > 1) throw UsageError("-J: give at most one input file");
}

}  // namespace

int run_produce(const CliOptions& options) {
  check_options(options);
  // One input stream (stdin, or the file of -l / -J), or whole files.
  int fd = STDIN_FILENO;
  bool whole_files = !options.operands.empty() && !options.file_mode && !options.json;
  if (!options.operands.empty() && !whole_files) {
    fd = ::open(options.operands.front().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      throw std::runtime_error("cannot open " + options.operands.front() + ": " +
                               std::strerror(errno));
  }
  struct CloseFd {
    int fd;
    ~CloseFd() {
      if (fd != STDIN_FILENO) ::close(fd);
    }
  } close_fd{fd};

  SignalScope signals;
  // "produced" counts messages the cluster acknowledged, as their reports arrive.
  Progress progress("produced", options.progress && Progress::stderr_is_tty(),
                    options.verbosity > 0, std::cerr);
  DeliveryTracker tracker(stderr, &progress);
  ProducerCallbacks callbacks;
  callbacks.on_delivery = [&tracker](const DeliveryReport& r) { tracker.on_report(r); };
  Producer producer(producer_config(options), std::move(callbacks));
  Sender sender(options, producer);
  Tee tee(options);

  RunState state{options, sender, tee, {}, std::nullopt};
  for (const auto& [name, value] : options.headers)
    state.headers.push_back(Header{name, std::string_view(value)});
  if (options.partition && *options.partition >= 0) state.partition = options.partition;

  if (whole_files)
    produce_files(state);
  else if (options.json)
    produce_json(state, fd);
  else
    produce_delimited(state, fd);
  tee.flush();

  finish(producer, tracker, sender);
  progress.finish();
  tracker.print_failures(sender.sent());
  bool ok = tracker.delivered() == sender.sent() && !sender.refused() && !state.input_failed &&
            !tee.failed();
  return ok ? kOkExit : kFailExit;
}

}  // namespace kafkit::cli
