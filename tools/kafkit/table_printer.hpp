#pragma once
// Aligned human tables for the admin subcommands: a header row and data rows, columns
// left-aligned and separated by two spaces, no trailing blanks (so `column -t`, `awk` and
// `diff` all work on the output). --json is the form for scripts; this one is for eyes.
#include <iosfwd>
#include <string>
#include <vector>

namespace kafkit::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  /// A row with fewer cells than headers is padded with empty cells.
  void add(std::vector<std::string> row);
  /// Leaves the column out of print() when none of its data cells has text (an ERROR
  /// column when nothing failed).
  void hide_if_empty(const std::string& header);
  bool empty() const noexcept { return rows_.empty(); }
  /// Writes the header and every row.
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::string> optional_;
};

}  // namespace kafkit::cli
