#include "operator/cli/line_diff.h"

#include <algorithm>

namespace berth::cli {
namespace {

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) {
      out.push_back(s.substr(start));
      break;
    }
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string Range(size_t start, size_t len) {
  // diff -u: an empty range names the line before it.
  if (len == 0) return std::to_string(start) + ",0";
  if (len == 1) return std::to_string(start + 1);
  return std::to_string(start + 1) + "," + std::to_string(len);
}

}  // namespace

std::vector<DiffLine> LineDiff(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  const int max = n + m;
  const int offset = max + 1;
  std::vector<int> v(static_cast<size_t>(2 * max + 3), 0);
  std::vector<std::vector<int>> trace;
  int found_d = -1;
  for (int d = 0; d <= max && found_d < 0; ++d) {
    trace.push_back(v);
    for (int k = -d; k <= d; k += 2) {
      int x;
      if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) {
        x = v[offset + k + 1];  // down: an insertion
      } else {
        x = v[offset + k - 1] + 1;  // right: a deletion
      }
      int y = x - k;
      while (x < n && y < m && a[x] == b[y]) {
        ++x;
        ++y;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
  }
  // Walk the trace back from (n, m), collecting the script in reverse.
  std::vector<DiffLine> rev;
  int x = n, y = m;
  for (int d = found_d; d > 0; --d) {
    const std::vector<int>& pv = trace[static_cast<size_t>(d)];
    int k = x - y;
    int prev_k = (k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1])) ? k + 1 : k - 1;
    int prev_x = pv[offset + prev_k];
    int prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      rev.push_back({' ', a[static_cast<size_t>(--x)]});
      --y;
    }
    if (x == prev_x) {
      rev.push_back({'+', b[static_cast<size_t>(--y)]});
    } else {
      rev.push_back({'-', a[static_cast<size_t>(--x)]});
    }
  }
  while (x > 0 && y > 0) {
    rev.push_back({' ', a[static_cast<size_t>(--x)]});
    --y;
  }
  std::reverse(rev.begin(), rev.end());
  return rev;
}

std::string UnifiedDiff(const std::string& a, const std::string& b, const std::string& old_label,
                        const std::string& new_label, int context) {
  if (a == b) return "";
  std::vector<DiffLine> lines = LineDiff(SplitLines(a), SplitLines(b));
  const size_t ctx = static_cast<size_t>(std::max(context, 0));
  std::string out = "--- " + old_label + "\n+++ " + new_label + "\n";
  size_t i = 0;
  // Line numbers (0-based) in a and b at lines[i].
  std::vector<size_t> at_a(lines.size() + 1), at_b(lines.size() + 1);
  for (size_t j = 0; j < lines.size(); ++j) {
    at_a[j + 1] = at_a[j] + (lines[j].op != '+' ? 1 : 0);
    at_b[j + 1] = at_b[j] + (lines[j].op != '-' ? 1 : 0);
  }
  while (i < lines.size()) {
    while (i < lines.size() && lines[i].op == ' ') ++i;
    if (i == lines.size()) break;
    size_t start = i >= ctx ? i - ctx : 0;
    // Extend the hunk while the next change is within 2*context lines.
    size_t end = i;
    while (true) {
      while (end < lines.size() && lines[end].op != ' ') ++end;
      size_t next = end;
      while (next < lines.size() && lines[next].op == ' ') ++next;
      if (next < lines.size() && next - end <= 2 * ctx) {
        end = next;
        continue;
      }
      end = std::min(lines.size(), end + ctx);
      break;
    }
    size_t a_len = at_a[end] - at_a[start];
    size_t b_len = at_b[end] - at_b[start];
    out += "@@ -" + Range(at_a[start], a_len) + " +" + Range(at_b[start], b_len) + " @@\n";
    for (size_t j = start; j < end; ++j) out += lines[j].op + lines[j].text + "\n";
    i = end;
  }
  return out;
}

}  // namespace berth::cli
