// kafkit-fuzz's usage text and usage errors.
#include <cstdio>
#include <string>

#include "commands.hpp"

namespace kafkit::fuzz {

const char* const usage_text =
    "usage: kafkit-fuzz broker -b HOST:PORT [--seed N] [--cases N] [--duration S]\n"
    "                          [--out DIR] [--timeout-ms T] [--probe-every K]\n"
    "                          [--probe HOST:PORT]\n"
    "       kafkit-fuzz replay FILE -b HOST:PORT [--timeout-ms T] [--probe HOST:PORT]\n"
    "       kafkit-fuzz proxy --listen HOST:PORT --upstream HOST:PORT [--seed N] [--rate P]\n"
    "                         [--actions mutate,drop,delay,reorder,close] [--mutations K,...]\n"
    "                         [--log FILE] [--save DIR] [--duration S] [--calm-after S]\n"
    "                         [--max-delay-ms T] [--advertise HOST] [--max-connections N]\n"
    "\n"
    "broker: asks the broker which APIs and versions it supports (ApiVersions), then sends\n"
    "  cases: a valid request of a random advertised API and version with random field\n"
    "  values, mostly mutated (edge values, wrong lengths, truncation, bad varints, huge\n"
    "  array counts, unknown tagged fields, wrong header versions, bad record batches,\n"
    "  compression bombs, out-of-order SASL, raw byte flips/inserts/deletes). A close is an\n"
    "  acceptable answer to garbage. A finding is a hang (no answer and no close within\n"
    "  --timeout-ms) or a crash (the liveness probe, ApiVersions + Metadata on a new\n"
    "  connection, fails); each is saved in --out as a file that `replay` resends.\n"
    "  --seed N         case generator seed (default 1); same seed, same cases\n"
    "  --cases N        stop after N cases (default 10000 unless --duration is given)\n"
    "  --duration S     stop after S seconds\n"
    "  --out DIR        where findings go (default kafkit-fuzz-findings)\n"
    "  --timeout-ms T   answer limit per case and probe request (default 2000)\n"
    "  --probe-every K  liveness probe after every K cases (default 10; a refused\n"
    "                   connection is probed at once)\n"
    "  --probe HOST:PORT  probe this listener instead of -b (e.g. a PLAINTEXT listener of\n"
    "                   the broker whose SASL listener is fuzzed)\n"
    "replay: resends a finding's bytes, connection by connection, then probes the broker.\n"
    "proxy: sits between clients and a broker (point the client's bootstrap.servers at\n"
    "  --listen; port 0 picks one, named in the ready line). Requests pass unchanged; with\n"
    "  probability --rate (default 0.05) a response gets one of --actions: mutate (error\n"
    "  codes, offsets, leader ids, partition counts, throttle times, record sets cut short,\n"
    "  flipped or with a bad CRC, a random well-formed body, raw bit flips, truncation, a\n"
    "  wrong size prefix or correlation id), drop, delay (up to --max-delay-ms, default\n"
    "  3000), reorder (swap with the next response) or close (both sides). A Produce refusal\n"
    "  is never turned into an acknowledgement. Broker addresses in Metadata,\n"
    "  FindCoordinator and DescribeCluster answers become the proxy's own (host: --advertise,\n"
    "  default the listen host). Every action is logged (--log, default stdout) as\n"
    "  conn/cid/api/version/action/kind/detail; --save keeps each mutated response's bytes.\n"
    "  --mutations restricts the kinds (offset-lie: ListOffsets/committed offsets, which\n"
    "  make any client skip records; api-versions-lie: a decodable ApiVersions lie, which\n"
    "  holds for the connection's lifetime). --calm-after S or SIGUSR1 stops acting (SIGUSR2\n"
    "  resumes); SIGINT/SIGTERM or --duration end it with counts per action and kind.\n"
    "exit status: 0 = no findings / broker survived, 1 = findings / it did not,\n"
    "             2 = usage error or broker unreachable at start\n";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "kafkit-fuzz: %s\n\n%s", message.c_str(), usage_text);
  return exit_usage;
}

}  // namespace kafkit::fuzz
