// TableWriter: column-aligned text as kubectl prints it (Go's tabwriter with
// minimum cell width 6 and padding 3; the last column is not padded).
// Widths count UTF-8 code points. Value type; not thread-safe.
#pragma once

#include <string>
#include <vector>

namespace berth::cli {

class TableWriter {
 public:
  explicit TableWriter(std::vector<std::string> headers);

  void AddRow(std::vector<std::string> cells);
  size_t size() const { return rows_.size(); }

  // The header and every row added so far; widths fit the widest cell. The
  // rows are then cleared, and the widths kept for RenderRow.
  std::string Render();
  // One more row (for watches), aligned with what Render printed; a cell
  // wider than its column widens the column from then on.
  std::string RenderRow(const std::vector<std::string>& cells);
  // The header alone, with the widths known so far (for --watch-only).
  std::string RenderHeader();

 private:
  std::string Line(const std::vector<std::string>& cells) const;
  void Fit(const std::vector<std::string>& cells);

  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<size_t> widths_;
};

// The number of UTF-8 code points in `s`.
size_t DisplayWidth(const std::string& s);

}  // namespace berth::cli
