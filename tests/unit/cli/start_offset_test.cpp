#include "start_offset.hpp"

#include <doctest/doctest.h>

#include "cli_options.hpp"

namespace kafkit::cli {

TEST_CASE("-o: every form kcat takes") {
  using K = StartOffset::Kind;
  CHECK(parse_start_offset("beginning") == StartOffset{K::beginning, 0});
  CHECK(parse_start_offset("end") == StartOffset{K::end, 0});
  CHECK(parse_start_offset("stored") == StartOffset{K::stored, 0});
  CHECK(parse_start_offset("42") == StartOffset{K::absolute, 42});
  CHECK(parse_start_offset("-10") == StartOffset{K::tail, 10});
  CHECK(parse_start_offset("-0") == StartOffset{K::absolute, 0});  // as kcat's strtoll
  CHECK(parse_start_offset("s@1700000000000") == StartOffset{K::time, 1700000000000});
}

TEST_CASE("-o: what kcat would silently read as 0 is refused") {
  for (const char* bad : {"", "foo", "10x", "+5", "s@", "s@x", "s@-5", "begin", "1.5"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_start_offset(bad), UsageError);
  }
  CHECK_THROWS_AS(parse_offsets({"e@soon"}), UsageError);
}

TEST_CASE("-o: s@ and e@ combine, the last start wins") {
  auto r = parse_offsets({"s@100", "e@200"});
  REQUIRE(r.start);
  CHECK(r.start->kind == StartOffset::Kind::time);
  CHECK(r.stop_time == std::optional<std::int64_t>(200));
  auto only_stop = parse_offsets({"e@7"});
  CHECK_FALSE(only_stop.start);
  auto last = parse_offsets({"end", "5"});
  CHECK(last.start == std::optional<StartOffset>(StartOffset{StartOffset::Kind::absolute, 5}));
}

TEST_CASE("-o -N: N before the end, never before the log start") {
  CHECK(tail_offset(0, 100, 10) == 90);
  CHECK(tail_offset(0, 5, 10) == 0);
  CHECK(tail_offset(50, 60, 20) == 50);
}

}  // namespace kafkit::cli

namespace kafkit::cli {

TEST_CASE("-o: the parser keeps every -o for parse_offsets") {
  auto o = parse_cli({"-C", "-t", "t", "-o", "s@1", "-oe@2"});
  CHECK(o.offsets == std::vector<std::string>{"s@1", "e@2"});
  CHECK(o.offset == std::optional<std::string>("e@2"));
}

}  // namespace kafkit::cli
