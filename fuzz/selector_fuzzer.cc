// Fuzzes label- and field-selector parsing; the input is the selector text
// (both parsers see it).
//
// Invariants beyond "no crash, no sanitizer report, no exception escapes":
//   - label selectors round-trip: Parse(ToString()) has the same requirements,
//     and ToString is stable;
//   - field selectors round-trip through their canonical form
//     ("path==value" / "path!=value", comma-joined);
//   - a selector built with FromMap(labels) matches those labels, and an
//     equality selector matches the labels it names.
#include "fuzz/fuzz_support.h"
#include "operator/api/selector.h"
#include "operator/common/strings.h"

namespace {

using berth::api::FieldSelector;
using berth::api::Json;
using berth::api::LabelSelector;

std::string Describe(const LabelSelector& s) {
  std::string out;
  for (const auto& r : s.requirements()) {
    out += "[" + r.key + " op=" + std::to_string(static_cast<int>(r.op)) +
           " values=" + berth::Join(r.values, "|") + "] ";
  }
  return out;
}

bool SameRequirements(const LabelSelector& a, const LabelSelector& b) {
  const auto& x = a.requirements();
  const auto& y = b.requirements();
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].key != y[i].key || x[i].op != y[i].op || x[i].values != y[i].values) return false;
  }
  return true;
}

void CheckLabels(std::string_view text) {
  auto parsed = LabelSelector::Parse(text);
  if (!parsed.ok()) {
    (void)parsed.status().ToString();
    return;
  }
  const LabelSelector& sel = *parsed;
  std::string rendered = sel.ToString();
  auto again = LabelSelector::Parse(rendered);
  BERTH_FUZZ_CHECK(again.ok(), "ToString output \"" + rendered +
                                   "\" does not parse: " + again.status().ToString());
  BERTH_FUZZ_CHECK(SameRequirements(sel, *again),
                   "round trip changed the requirements\nfirst:  " + Describe(sel) +
                       "\nsecond: " + Describe(*again) + "\ntext: " + rendered);
  BERTH_FUZZ_CHECK(again->ToString() == rendered,
                   "ToString is not stable: \"" + rendered + "\" vs \"" + again->ToString() + "\"");

  // Labels that satisfy every equality/in requirement (first value) and
  // carry every key that must exist.
  std::map<std::string, std::string> labels;
  bool satisfiable = true;
  for (const auto& r : sel.requirements()) {
    using Op = LabelSelector::Op;
    if (r.op == Op::kEquals || r.op == Op::kIn) {
      auto [it, inserted] = labels.emplace(r.key, r.values.front());
      if (!inserted && it->second != r.values.front()) satisfiable = false;
    } else if (r.op == Op::kExists) {
      labels.emplace(r.key, "");
    }
  }
  bool only_positive = true;
  for (const auto& r : sel.requirements()) {
    only_positive =
        only_positive && (r.op == LabelSelector::Op::kEquals || r.op == LabelSelector::Op::kExists);
  }
  bool matches = sel.Matches(labels);
  if (only_positive && satisfiable) {
    BERTH_FUZZ_CHECK(matches, "selector " + rendered + " does not match labels it requires");
  }
  BERTH_FUZZ_CHECK(LabelSelector::FromMap(labels).Matches(labels),
                   "FromMap(labels) does not match labels for " + rendered);
  (void)sel.Matches({});
}

std::string Canonical(const FieldSelector& s) {
  std::vector<std::string> terms;
  for (const auto& r : s.requirements()) {
    terms.push_back(r.path + (r.equals ? "==" : "!=") + r.value);
  }
  return berth::Join(terms, ",");
}

void CheckFields(std::string_view text) {
  auto parsed = FieldSelector::Parse(text);
  if (!parsed.ok()) {
    (void)parsed.status().ToString();
    return;
  }
  std::string rendered = Canonical(*parsed);
  auto again = FieldSelector::Parse(rendered);
  BERTH_FUZZ_CHECK(again.ok(), "canonical form \"" + rendered +
                                   "\" does not parse: " + again.status().ToString());
  BERTH_FUZZ_CHECK(Canonical(*again) == rendered, "round trip changed the requirements: \"" +
                                                      rendered + "\" became \"" +
                                                      Canonical(*again) + "\"");

  // An object that has every path of the selector set to its value.
  Json obj = Json::object();
  for (const auto& r : parsed->requirements()) {
    Json* cur = &obj;
    for (const std::string& seg : berth::Split(r.path, '.')) {
      if (!cur->is_object()) *cur = Json::object();
      cur = &(*cur)[seg];
    }
    *cur = r.value;
  }
  (void)parsed->Matches(obj);
  (void)parsed->Matches(Json::object());
  (void)parsed->Matches(Json::array({1, 2}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = berth::fuzz::AsText(data, size);
  CheckLabels(text);
  CheckFields(text);
  return 0;
}
