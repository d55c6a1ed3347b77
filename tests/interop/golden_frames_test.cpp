// Golden bytes written by peers nobody here wrote (librdkafka 2.0.2, its mock cluster,
// kcat 1.7.1; see tests/golden/README.md): every frame must decode, re-encode to the
// same bytes, and match the independent per-frame manifest made while capturing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dumper.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kData = KAFKIT_GOLDEN_DIR;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct ManifestRow {
  int api_key;
  int api_version;
  long offset;
};

// file -> frames in order, from MANIFEST.tsv (written by the capture scripts' own parser).
std::map<std::string, std::vector<ManifestRow>> manifest() {
  std::map<std::string, std::vector<ManifestRow>> out;
  std::ifstream in(kData / "MANIFEST.tsv");
  std::string line;
  std::getline(in, line);  // column names
  while (std::getline(in, line)) {
    std::vector<std::string> col;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, '\t');) col.push_back(c);
    REQUIRE(col.size() >= 8);
    auto key = col[5].empty() ? -1 : std::stoi(col[5]);
    auto ver = col[7].empty() ? -1 : std::stoi(col[7]);
    out[col[0]].push_back({key, ver, std::stol(col[3])});
  }
  return out;
}

struct Dumped {
  std::vector<json> lines;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

Dumped dump_pair(const fs::path& req, const fs::path* resp) {
  Dumped d;
  kafkit::dump::Dumper dumper(
      {.reencode = true}, [&](const std::string& l) { d.lines.push_back(json::parse(l)); },
      [&](const std::string& l) { d.errors.push_back(l); },
      [&](const std::string& l) { d.warnings.push_back(l); });
  std::string a = slurp(req);
  dumper.dump_requests(kafkit::protocol::as_bytes(a), req.filename().string());
  if (resp) {
    std::string b = slurp(*resp);
    dumper.dump_responses(kafkit::protocol::as_bytes(b), resp->filename().string());
  }
  return d;
}

// Every RECORDS field in a body must have decoded into batches, none of them in error;
// returns how many batches were seen.
size_t check_records(const json& v) {
  size_t n = 0;
  if (v.is_object()) {
    if (v.contains("batches")) {
      for (const auto& b : v["batches"]) {
        CHECK_MESSAGE(!b.contains("error"), b.dump());
        ++n;
      }
      return n;
    }
    for (const auto& [k, x] : v.items()) n += check_records(x);
  } else if (v.is_array()) {
    for (const auto& x : v) n += check_records(x);
  }
  return n;
}

}  // namespace

TEST_CASE("every captured frame decodes and re-encodes byte for byte") {
  auto rows = manifest();
  REQUIRE(rows.size() > 40);
  std::set<std::pair<int, int>> request_versions;
  size_t files = 0, frames = 0, batches = 0;
  for (const auto& entry : fs::directory_iterator(kData)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(".req.bin")) continue;
    CAPTURE(name);
    fs::path resp = entry.path();
    resp.replace_filename(name.substr(0, name.size() - 8) + ".resp.bin");
    bool has_resp = fs::exists(resp);
    Dumped d = dump_pair(entry.path(), has_resp ? &resp : nullptr);
    CHECK(d.errors.empty());
    for (const auto& e : d.errors) MESSAGE(e);

    // Requests: same frames, API keys and versions as the manifest.
    const auto& want = rows[name];
    std::vector<const json*> reqs;
    for (const auto& l : d.lines)
      if (l["type"] == "request") reqs.push_back(&l);
    REQUIRE(reqs.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      CHECK((*reqs[i])["header"]["RequestApiKey"] == want[i].api_key);
      CHECK((*reqs[i])["version"] == want[i].api_version);
      CHECK((*reqs[i])["offset"] == want[i].offset);
      request_versions.insert({want[i].api_key, want[i].api_version});
    }
    if (has_resp) {
      size_t responses = d.lines.size() - reqs.size();
      CHECK(responses == rows[resp.filename().string()].size());
    }
    for (const auto& l : d.lines) batches += check_records(l["body"]);
    frames += d.lines.size();
    ++files;
  }
  CHECK(files >= 35);
  CHECK(batches >= 100);
  CHECK(frames >= 500);
  // What the captures must keep covering (api key, version).
  for (auto kv : std::vector<std::pair<int, int>>{
           {0, 7},  {0, 2},  {0, 1},  {1, 11}, {1, 3},  {2, 1},  {3, 2},  {8, 7},
           {9, 5},  {10, 2}, {11, 5}, {14, 3}, {12, 3}, {13, 1}, {18, 3}, {18, 0},
           {22, 4}, {19, 4}, {24, 0}, {25, 0}, {26, 1}, {28, 2}, {36, 0}}) {
    CAPTURE(kv.first);
    CAPTURE(kv.second);
    CHECK(request_versions.count(kv) == 1);
  }
}

TEST_CASE("decoded fields carry what the peers wrote") {
  fs::path req = kData / "rdkafka-admin-stub-01.req.bin";
  Dumped d = dump_pair(req, nullptr);
  bool saw_create = false, saw_delete_records = false, saw_list_groups = false;
  for (const auto& l : d.lines) {
    if (l["api"] == "CreateTopics") {
      saw_create = true;
      CHECK(l["body"]["Topics"][0]["Name"] == "golden-new");
      CHECK(l["body"]["Topics"][0]["NumPartitions"] == 4);
      CHECK(l["body"]["Topics"][0]["Configs"][0]["Name"] == "cleanup.policy");
    }
    if (l["api"] == "DeleteRecords") {
      saw_delete_records = true;
      CHECK(l["body"]["Topics"][0]["Partitions"][0]["Offset"] == 1);
    }
    if (l["api"] == "ListGroups") {
      saw_list_groups = true;
      // librdkafka 2.0.2 writes one byte after the ListGroups v4 body; Kafka tolerates it.
      CHECK(l["trailing_bytes"] == 1);
      CHECK(l["body"]["StatesFilter"] == json::array({"Stable", "Empty"}));
    }
  }
  CHECK(saw_create);
  CHECK(saw_delete_records);
  CHECK(saw_list_groups);
  CHECK(d.warnings.size() == 1);

  fs::path p = kData / "rdkafka-produce-zstd-01.req.bin";
  fs::path r = kData / "rdkafka-produce-zstd-01.resp.bin";
  Dumped z = dump_pair(p, &r);
  int produces = 0;
  for (const auto& l : z.lines) {
    if (l["api"] == "Produce" && l["type"] == "request") {
      ++produces;
      CHECK(l["version"] == 7);
      CHECK(l["body"]["Acks"] == -1);  // idempotence requires acks=all
      CHECK(l["body"]["TopicData"][0]["Name"] == "golden");
      // The records inside, decompressed: what the capture's producer wrote.
      const json& batch = l["body"]["TopicData"][0]["PartitionData"][0]["Records"]["batches"][0];
      CHECK(batch["codec"] == "zstd");
      CHECK(batch["producerId"] >= 0);
      CHECK(batch["records"].size() == batch["recordCount"]);
      CHECK(batch["records"][0]["value"].get<std::string>().starts_with("zstd value"));
    }
    if (l["api"] == "InitProducerId" && l["type"] == "response")
      CHECK(l["body"]["ProducerId"] >= 0);
    if (l["api"] == "ApiVersions" && l["type"] == "response" && l["body"]["ErrorCode"] == 0)
      CHECK(l["body"]["ApiKeys"].size() >= 10);
  }
  CHECK(produces >= 1);
}

TEST_CASE("a damaged stream reports the frame and byte, after printing the frames before it") {
  std::string a = slurp(kData / "kcat-metadata-01.req.bin");
  REQUIRE(a.size() > 60);
  std::string cut = a.substr(0, a.size() - 3);  // the last frame loses its tail
  Dumped d;
  kafkit::dump::Dumper dumper(
      {}, [&](const std::string& l) { d.lines.push_back(json::parse(l)); },
      [&](const std::string& l) { d.errors.push_back(l); }, [](const std::string&) {});
  dumper.dump_requests(kafkit::protocol::as_bytes(cut), "cut.bin");
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].find("cut.bin: frame ") == 0);
  CHECK(d.errors[0].find("exceeds the") != std::string::npos);
  CHECK(d.lines.size() == dumper.frames());  // every whole frame before the cut was printed
  CHECK(!d.lines.empty());

  // A corrupted body: a huge array count inside an otherwise intact frame.
  std::string bad = a;
  size_t body = 4 + 8 + 2 + size_t(uint8_t(a[13]));  // size, key/ver/corr, client id
  bad[body] = '\x7f';
  Dumped e;
  kafkit::dump::Dumper d2(
      {}, [&](const std::string& l) { e.lines.push_back(json::parse(l)); },
      [&](const std::string& l) { e.errors.push_back(l); }, [](const std::string&) {});
  d2.dump_requests(kafkit::protocol::as_bytes(bad), "bad.bin");
  REQUIRE(!e.errors.empty());
  CHECK(e.errors[0].find("bad.bin: frame 1 at byte 0: ") == 0);
  CHECK(e.errors[0].find("reading") != std::string::npos);
}
