#include "cli_options.hpp"

#include <doctest/doctest.h>

namespace kafkit::cli {
namespace {

CliOptions parse(std::vector<std::string> args) {
  return parse_cli(args);
}

}  // namespace

TEST_CASE("cli: kcat's produce flags") {
  auto o = parse({"-P",    "-b", "h:9092", "-t", "t",  "-p", "-1", "-K:", "-D",    "\\x1e", "-H",
                  "a=b=c", "-z", "lz4",    "-Z", "-T", "-c", "10", "-k",  "fixed", "f1",    "f2"});
  CHECK(o.mode == Mode::produce);
  CHECK(o.config.get("bootstrap.servers") == "h:9092");
  CHECK(o.topics == std::vector<std::string>{"t"});
  CHECK(o.partition == -1);
  CHECK(o.key_delimiter == ":");
  CHECK(o.delimiter == "\x1e");
  REQUIRE(o.headers.size() == 1);
  CHECK(o.headers[0].first == "a");
  CHECK(o.headers[0].second == "b=c");
  CHECK(o.compression == "lz4");
  CHECK(o.null_empty);
  CHECK(o.tee);
  CHECK(o.count == 10);
  CHECK(o.fixed_key == "fixed");
  CHECK(o.operands == std::vector<std::string>{"f1", "f2"});
}

TEST_CASE("cli: clustered short flags and attached values, as getopt reads them") {
  auto o = parse({"-Ceu", "-obeginning", "-qJ", "-c5", "-Kx"});
  CHECK(o.mode == Mode::consume);
  CHECK(o.exit_at_end);
  CHECK(o.unbuffered);
  CHECK(o.offset == "beginning");
  CHECK(o.verbosity == 0);
  CHECK(o.json);
  CHECK(o.count == 5);
  CHECK(o.key_delimiter == "x");
}

TEST_CASE("cli: -G with topic operands") {
  auto o = parse({"-b", "x", "-G", "grp", "t1", "^re.*", "-e"});
  CHECK(o.mode == Mode::group);
  CHECK(o.group == "grp");
  CHECK(o.operands == std::vector<std::string>{"t1", "^re.*"});
  CHECK(o.exit_at_end);
}

TEST_CASE("cli: -X properties, list, dump and topic. prefix") {
  auto o = parse({"-X", "linger.ms=5", "-Xtopic.acks=all", "-X", "list", "-X", "dump"});
  CHECK(o.config.get("linger.ms") == "5");
  CHECK(o.config.get("acks") == "all");
  CHECK(o.list_properties);
  CHECK(o.dump_config);
}

TEST_CASE("cli: kafkit's long options") {
  CHECK(parse({"--encoding", "hex"}).encoding == Encoding::hex);
  CHECK(parse({"--encoding=base64"}).encoding == Encoding::base64);
  CHECK_FALSE(parse({"--no-progress"}).progress);
  CHECK(parse({"-M", "3"}).playground_nodes == 3);
  CHECK(parse({"-m", "2"}).metadata_timeout_ms == 2000);
  CHECK(parse({"-q"}).verbosity == 0);
  CHECK(parse({"-vv"}).verbosity == 3);
  CHECK(parse({"-s", "key=>I", "-s", "value=s"}).key_serdes == ">I");
  CHECK(parse({"-s", ">q"}).value_serdes == ">q");
  CHECK(parse({"--", "-P"}).operands == std::vector<std::string>{"-P"});
}

TEST_CASE("cli: bad input is one clear error naming the flag") {
  auto error_of = [](std::vector<std::string> args) -> std::string {
    try {
      parse_cli(args);
    } catch (const UsageError& e) {
      return e.what();
    }
    return "";
  };
  CHECK(error_of({"-Y"}).find("unknown option -Y") != std::string::npos);
  CHECK(error_of({"--frobnicate"}).find("--frobnicate") != std::string::npos);
  CHECK(error_of({"-p", "x1"}).find("-p: 'x1' is not a number") != std::string::npos);
  CHECK(error_of({"-c", "10k"}).find("-c") != std::string::npos);
  CHECK(error_of({"-t"}).find("-t: needs a value") != std::string::npos);
  CHECK(error_of({"-X", "novalue"}).find("-X: expected prop=value") != std::string::npos);
  CHECK(error_of({"-H", "=v"}).find("-H") != std::string::npos);
  CHECK(error_of({"-P", "-C"}).find("only one of") != std::string::npos);
  CHECK(error_of({"--encoding", "rot13"}).find("rot13") != std::string::npos);
  CHECK(error_of({"-D", "\\xZZ"}).find("hex digits") != std::string::npos);
  CHECK(error_of({"-F", "/nonexistent/kafkit.conf"}).find("-F") != std::string::npos);
  CHECK(error_of({"-r", "http://registry"}).find("not supported") != std::string::npos);
}

TEST_CASE("cli: delimiter escapes") {
  CHECK(decode_escapes("a\\nb\\tc\\r") == "a\nb\tc\r");
  CHECK(decode_escapes("\\x41\\x7e") == "A~");
  CHECK(decode_escapes("\\\\") == "\\");
  CHECK(decode_escapes("\\q") == "\\q");
  CHECK(decode_escapes("trailing\\") == "trailing\\");
}

}  // namespace kafkit::cli
