#include "proxy_journal.hpp"

#include <filesystem>
#include <fstream>

#include "protocol/messages/apis.hpp"

namespace kafkit::fuzz {

namespace {

std::string api_name(int16_t key) {
  const protocol::ApiInfo* info = protocol::find_api(key);
  return info != nullptr ? std::string(info->name) : "api" + std::to_string(key);
}

}  // namespace

void ProxyJournal::action(uint64_t conn, const ResponseContext& c, const char* action,
                          const std::string& kind, const std::string& detail,
                          const protocol::Bytes* wire) {
  std::lock_guard lock(mutex_);
  ++actions_[action];
  if (!kind.empty()) ++kinds_[kind];
  std::string saved;
  if (wire != nullptr && !save_dir_.empty()) {
    // The exact response bytes (size prefix included), named so the log line finds them.
    std::error_code ec;
    std::filesystem::create_directories(save_dir_, ec);
    std::string path = save_dir_ + "/proxy-s" + std::to_string(seed_) + "-conn" +
                       std::to_string(conn) + "-cid" + std::to_string(c.correlation_id) + "-" +
                       kind + ".bin";
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(wire->data()), std::streamsize(wire->size()));
    if (f) {
      ++saved_;
      saved = " file=" + path;
    }
  }
  std::fprintf(out_, "conn=%llu cid=%d api=%s v=%d action=%s%s%s detail=\"%s\"%s\n",
               (unsigned long long)conn, c.correlation_id, api_name(c.api_key).c_str(),
               c.api_version, action, kind.empty() ? "" : " kind=", kind.c_str(), detail.c_str(),
               saved.c_str());
  std::fflush(out_);
}

void ProxyJournal::note(uint64_t conn, const std::string& text) {
  std::lock_guard lock(mutex_);
  std::fprintf(out_, "conn=%llu note=\"%s\"\n", (unsigned long long)conn, text.c_str());
  std::fflush(out_);
}

void ProxyJournal::count_connection() {
  std::lock_guard lock(mutex_);
  ++connections_;
}

void ProxyJournal::count_response(int16_t api_key) {
  std::lock_guard lock(mutex_);
  ++responses_;
  ++per_api_[api_name(api_key)];
}

void ProxyJournal::print_summary(std::FILE* to) const {
  std::lock_guard lock(mutex_);
  uint64_t acted = 0;
  for (const auto& entry : actions_) acted += entry.second;
  std::fprintf(to, "kafkit-fuzz proxy summary: %llu connections, %llu responses, %llu actions\n",
               (unsigned long long)connections_, (unsigned long long)responses_,
               (unsigned long long)acted);
  for (const auto& [name, n] : actions_)
    std::fprintf(to, "  action %-22s %8llu\n", name.c_str(), (unsigned long long)n);
  for (const auto& [name, n] : per_api_)
    std::fprintf(to, "  responses %-19s %8llu\n", name.c_str(), (unsigned long long)n);
  for (const auto& [name, n] : kinds_)
    std::fprintf(to, "  mutation %-20s %8llu\n", name.c_str(), (unsigned long long)n);
  if (saved_ > 0)
    std::fprintf(to, "  %llu mutated responses saved in %s\n", (unsigned long long)saved_,
                 save_dir_.c_str());
  std::fflush(to);
}

}  // namespace kafkit::fuzz
