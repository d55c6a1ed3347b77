#pragma once
// Findings on disk: one replayable file each. A short text header (seed, case, kind, what
// was sent) is followed by the exact bytes written on each connection, in order:
//
//   kafkit-fuzz finding
//   kind: hang
//   seed: 7
//   ...
//   <empty line>
//   conn 123 half-close
//   <123 bytes>
//   <newline>
//
// "half-close" means kafkit-fuzz shut its side down after the bytes; "open" that it waited
// for the answers with the connection open.
#include <map>
#include <string>
#include <vector>

#include "case_runner.hpp"
#include "common/result.hpp"

namespace kafkit::fuzz {

struct Finding {
  /// Header fields in file order: kind, seed, case, api, mutation, detail, ...
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<ConnectionLog> connections;

  std::string field(const std::string& name) const;
};

/// Writes `f` into `dir` (created if missing); returns the file's path.
Result<std::string> save_finding(const std::string& dir, const std::string& file_name,
                                 const Finding& f);
Result<Finding> load_finding(const std::string& path);

}  // namespace kafkit::fuzz
