// Line diffs (Myers' O(ND) algorithm) and their unified-diff rendering, as
// `diff -u` prints them, for `berth diff`. Pure functions.
#pragma once

#include <string>
#include <vector>

namespace berth::cli {

struct DiffLine {
  char op;  // ' ' kept, '-' only in the old text, '+' only in the new text
  std::string text;
};

// A shortest edit script turning `a` into `b`, as kept/removed/added lines.
std::vector<DiffLine> LineDiff(const std::vector<std::string>& a,
                               const std::vector<std::string>& b);

// "--- old_label\n+++ new_label\n@@ -l,s +l,s @@\n..." with `context` lines
// around each change; "" when the texts are equal.
std::string UnifiedDiff(const std::string& a, const std::string& b, const std::string& old_label,
                        const std::string& new_label, int context = 3);

}  // namespace berth::cli
