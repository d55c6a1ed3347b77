#include "broker/producer_state/producer_id_allocator.hpp"

#include <charconv>
#include <limits>
#include <string>

#include "broker/producer_state/state_file.hpp"

namespace kafkit::broker {
namespace {

constexpr const char* kFileName = "producer-ids.properties";
constexpr std::string_view kKey = "next.block.start=";

}  // namespace

Result<std::unique_ptr<ProducerIdAllocator>> ProducerIdAllocator::open(
    const std::filesystem::path& data_dir) {
  std::unique_ptr<ProducerIdAllocator> a(new ProducerIdAllocator(data_dir / kFileName));
  auto text = read_small_file(a->file_);
  if (!text) return text.error();
  if (*text) {
    // The file is only ever replaced whole (rename), so anything unparsable is damage by
    // someone else: refuse to start rather than risk handing out used ids.
    const std::string& s = **text;
    size_t at = s.find(kKey);
    int64_t v = -1;
    if (at != std::string::npos) {
      const char* begin = s.data() + at + kKey.size();
      std::from_chars(begin, s.data() + s.size(), v);
    }
    if (v < 0)
      return Error{errc::malformed, a->file_.string() +
                                        ": no valid next.block.start (delete the "
                                        "file only if no producer id is in use)"};
    a->next_ = a->block_end_ = v;
  }
  return a;
}

Result<int64_t> ProducerIdAllocator::next() {
  if (next_ == block_end_) {
    if (block_end_ > std::numeric_limits<int64_t>::max() - kBlockSize)
      return Error{errc::io, "producer ids exhausted"};
    int64_t end = block_end_ + kBlockSize;
    if (auto r = replace_file(file_, std::string(kKey) + std::to_string(end) + "\n", true); !r)
      return r.error();
    block_end_ = end;
  }
  return next_++;
}

}  // namespace kafkit::broker
