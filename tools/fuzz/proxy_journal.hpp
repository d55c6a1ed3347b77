#pragma once
// The proxy's record of what it did: one line per action (enough to replay a client crash
// by hand: which connection, which response, which API and version, what was done), the
// mutated bytes when --save is given, and the counts for the summary.
//
//   conn=3 cid=17 api=Fetch v=12 action=mutate kind=records-flip detail="flipped 40"
#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "protocol/types.hpp"
#include "response_mutator.hpp"

namespace kafkit::fuzz {

class ProxyJournal {
 public:
  /// `out` gets the action lines (flushed per line); `save_dir` empty: bytes not saved.
  ProxyJournal(std::FILE* out, std::string save_dir, uint64_t seed)
      : out_(out), save_dir_(std::move(save_dir)), seed_(seed) {}

  /// One action on the response to `c`; `wire` is what was sent instead (mutations).
  void action(uint64_t conn, const ResponseContext& c, const char* action, const std::string& kind,
              const std::string& detail, const protocol::Bytes* wire = nullptr);
  /// Something about a connection that is not an action (upstream refused, bad frame).
  void note(uint64_t conn, const std::string& text);
  void count_connection();
  /// A response from the broker, by the API it answers (-1: unknown).
  void count_response(int16_t api_key);

  /// Counts per action and per mutation kind.
  void print_summary(std::FILE* to) const;

 private:
  mutable std::mutex mutex_;
  /// @thread guarded by mutex_ (sessions run on their own threads).
  std::FILE* out_;
  std::string save_dir_;
  uint64_t seed_;
  uint64_t connections_ = 0;
  uint64_t responses_ = 0;
  uint64_t saved_ = 0;
  std::map<std::string, uint64_t> actions_;
  std::map<std::string, uint64_t> kinds_;
  std::map<std::string, uint64_t> per_api_;
};

}  // namespace kafkit::fuzz
