#include "operator/cli/table.h"

#include <algorithm>

namespace berth::cli {
namespace {
constexpr size_t kMinWidth = 6;
constexpr size_t kPadding = 3;
}  // namespace

size_t DisplayWidth(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

TableWriter::TableWriter(std::vector<std::string> headers)
    : headers_(std::move(headers)), widths_(headers_.size(), 0) {
  Fit(headers_);
}

void TableWriter::Fit(const std::vector<std::string>& cells) {
  if (cells.size() > widths_.size()) widths_.resize(cells.size(), 0);
  for (size_t i = 0; i < cells.size(); ++i) {
    widths_[i] = std::max(widths_[i], std::max(kMinWidth, DisplayWidth(cells[i]) + kPadding));
  }
}

void TableWriter::AddRow(std::vector<std::string> cells) {
  // Cells are single-line: a newline would break the alignment.
  for (auto& c : cells) std::replace(c.begin(), c.end(), '\n', ' ');
  Fit(cells);
  rows_.push_back(std::move(cells));
}

std::string TableWriter::Line(const std::vector<std::string>& cells) const {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    out += cells[i];
    if (i + 1 < cells.size()) out.append(widths_[i] - DisplayWidth(cells[i]), ' ');
  }
  out += '\n';
  return out;
}

std::string TableWriter::Render() {
  std::string out = Line(headers_);
  for (const auto& r : rows_) out += Line(r);
  rows_.clear();
  return out;
}

std::string TableWriter::RenderRow(const std::vector<std::string>& cells) {
  std::vector<std::string> clean = cells;
  for (auto& c : clean) std::replace(c.begin(), c.end(), '\n', ' ');
  Fit(clean);
  return Line(clean);
}

std::string TableWriter::RenderHeader() {
  return Line(headers_);
}

}  // namespace berth::cli
