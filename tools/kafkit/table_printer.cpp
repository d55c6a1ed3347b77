#include "table_printer.hpp"

#include <algorithm>
#include <ostream>

namespace kafkit::cli {

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add(std::vector<std::string> row) {
  row.resize(std::max(row.size(), headers_.size()));
  rows_.push_back(std::move(row));
}

void Table::hide_if_empty(const std::string& header) {
  optional_.push_back(header);
}

void Table::print(std::ostream& out) const {
  std::vector<size_t> width(headers_.size());
  std::vector<bool> shown(headers_.size(), true);
  for (size_t c = 0; c < headers_.size(); ++c) {
    width[c] = headers_[c].size();
    if (std::find(optional_.begin(), optional_.end(), headers_[c]) != optional_.end())
      shown[c] = std::any_of(rows_.begin(), rows_.end(),
                             [&](const std::vector<std::string>& r) { return !r[c].empty(); });
  }
  for (const auto& row : rows_)
    for (size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < width.size(); ++c) {
      if (!shown[c]) continue;
      text += cells[c];
      text.append(width[c] - cells[c].size() + 2, ' ');
    }
    text.erase(text.find_last_not_of(' ') + 1);
    out << text << '\n';
  };
  line(headers_);
  for (const auto& row : rows_) line(row);
}

}  // namespace kafkit::cli
