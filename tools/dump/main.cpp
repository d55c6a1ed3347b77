// kafkit-dump: prints captured Kafka request/response streams as JSON, one frame a line.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "dumper.hpp"

namespace {

const char* const kUsage =
    "usage: kafkit-dump [--reencode] REQUESTS [RESPONSES]\n"
    "\n"
    "REQUESTS is a stream of size-prefixed Kafka request frames as a client sent them;\n"
    "RESPONSES, if given, is the broker's reply stream on the same connection (each\n"
    "response is decoded with the API and version of the request it answers).\n"
    "Prints one JSON object per frame on stdout; errors name the file, frame number and\n"
    "byte offset on stderr. '-' reads REQUESTS from stdin.\n"
    "\n"
    "  --reencode   also check that re-encoding each decoded frame gives the same bytes\n"
    "  -h, --help   this text\n";

bool read_file(const std::string& path, std::string& out) {
  if (path == "-") {
    out.assign(std::istreambuf_iterator<char>(std::cin), {});
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), {});
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  kafkit::dump::Options opts;
  std::string files[2];
  int nfiles = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--reencode") {
      opts.reencode = true;
    } else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "kafkit-dump: unknown option '%s'\n%s", a.c_str(), kUsage);
      return 2;
    } else if (nfiles < 2) {
      files[nfiles++] = a;
    } else {
      std::fprintf(stderr, "kafkit-dump: too many files\n%s", kUsage);
      return 2;
    }
  }
  if (nfiles == 0) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::string data[2];
  for (int i = 0; i < nfiles; ++i) {
    if (!read_file(files[i], data[i])) {
      std::fprintf(stderr, "kafkit-dump: cannot read %s: %s\n", files[i].c_str(),
                   std::strerror(errno));
      return 2;
    }
  }
  kafkit::dump::Dumper d(
      opts, [](const std::string& line) { std::cout << line << '\n'; },
      [](const std::string& line) {
        std::cout.flush();  // keep stdout and stderr in frame order on a terminal
        std::cerr << "kafkit-dump: " << line << '\n';
      },
      [](const std::string& line) {
        std::cout.flush();
        std::cerr << "kafkit-dump: warning: " << line << '\n';
      });
  d.dump_requests(kafkit::protocol::as_bytes(data[0]), files[0]);
  if (nfiles == 2) d.dump_responses(kafkit::protocol::as_bytes(data[1]), files[1]);
  std::cout.flush();
  return d.errors() == 0 ? 0 : 1;
}
