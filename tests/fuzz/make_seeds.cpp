// Writes the seed corpus for decode_any_fuzzer: one random message per API, version and
// direction, plus every request frame of the golden captures. Usage: make-seeds OUT_DIR GOLDEN_DIR
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "protocol/message.hpp"
#include "protocol/messages/apis.hpp"
#include "protocol/random_source.hpp"

using namespace kafkit::protocol;
namespace fs = std::filesystem;

namespace {

void write_seed(const fs::path& dir, const std::string& name, int16_t key, int16_t version,
                uint8_t kind, ByteView body) {
  std::ofstream out(dir / name, std::ios::binary);
  char head[5] = {char(key >> 8), char(key), char(version >> 8), char(version), char(kind)};
  out.write(head, 5);
  out.write(reinterpret_cast<const char*>(body.data()), std::streamsize(body.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  fs::path out = argv[1];
  fs::create_directories(out);
  for (const ApiInfo& info : all_apis()) {
    visit_api(info.key, [&](auto api) {
      using A = decltype(api);
      for (int16_t v = A::info.min_version; v <= A::info.max_version; ++v) {
        RandomSource g(uint64_t(info.key) * 1000 + uint64_t(v));
        typename A::Request req;
        req.randomize(g, v);
        typename A::Response resp;
        resp.randomize(g, v);
        std::string base = std::string(A::info.name) + "-v" + std::to_string(v);
        write_seed(out, base + "-request", info.key, v, 0, encode_message(req, v));
        write_seed(out, base + "-response", info.key, v, 1, encode_message(resp, v));
      }
    });
  }
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(argv[2])) {
    if (!e.path().string().ends_with(".req.bin")) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string s{std::istreambuf_iterator<char>(in), {}};
    Reader r(as_bytes(s));
    for (int i = 0; r.remaining() >= 4; ++i) {
      int32_t size = r.i32("size");
      ByteView frame = r.take(size_t(size), "frame");
      if (!r.ok()) break;
      write_seed(out, "golden-" + e.path().stem().stem().string() + "-" + std::to_string(i), 0, 0,
                 2, frame);
      ++n;
    }
  }
  return n > 0 ? 0 : 1;
}
