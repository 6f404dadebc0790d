#include "operator/runtime/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace berth::runtime {
namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2 };

const char* TypeName(int t) {
  switch (t) {
    case kCounter: return "counter";
    case kGauge: return "gauge";
    default: return "histogram";
  }
}

bool ValidName(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

[[noreturn]] void Bug(const std::string& what) {
  std::fprintf(stderr, "berth metrics: %s\n", what.c_str());
  std::abort();
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string EscapeLabelValue(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string EscapeHelp(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

// `{a="x",b="y"}` with an optional extra label appended (histogram `le`).
std::string LabelText(const Labels& labels, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + EscapeLabelValue(v) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
  }
  return out + "}";
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  std::lock_guard lock(mu_);
  ++counts_[i];
  sum_ += v;
  ++count_;
}

Histogram::Snapshot Histogram::Get() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  std::lock_guard lock(mu_);
  uint64_t acc = 0;
  for (uint64_t c : counts_) {
    acc += c;
    s.cumulative.push_back(acc);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> DurationBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

struct Metrics::Family {
  std::string help;
  int type = kCounter;
  std::vector<double> bounds;
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics& Metrics::Global() {
  static Metrics* metrics = std::make_unique<Metrics>().release();  // never destroyed
  return *metrics;
}

Metrics::Family& Metrics::FamilyFor(std::string_view name, std::string_view help, int type,
                                    const std::vector<double>* bounds) {
  if (!ValidName(name)) Bug("invalid metric name '" + std::string(name) + "'");
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto f = std::make_unique<Family>();
    f->help = help;
    f->type = type;
    if (bounds) {
      f->bounds = *bounds;
      if (!std::is_sorted(f->bounds.begin(), f->bounds.end())) {
        Bug("histogram '" + std::string(name) + "' buckets are not ascending");
      }
    }
    it = families_.emplace(std::string(name), std::move(f)).first;
  }
  Family& f = *it->second;
  if (f.type != type) Bug("metric '" + std::string(name) + "' registered with another type");
  if (bounds && f.bounds != *bounds) {
    Bug("histogram '" + std::string(name) + "' registered with other buckets");
  }
  return f;
}

Counter& Metrics::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, kCounter, nullptr).counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Metrics::GetGauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, kGauge, nullptr).gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Metrics::GetHistogram(std::string_view name, std::string_view help,
                                 const std::vector<double>& upper_bounds, const Labels& labels) {
  std::lock_guard lock(mu_);
  Family& f = FamilyFor(name, help, kHistogram, &upper_bounds);
  auto& slot = f.histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(f.bounds);
  return *slot;
}

std::string Metrics::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + EscapeHelp(f->help) + "\n";
    out += "# TYPE " + name + " " + TypeName(f->type) + "\n";
    for (const auto& [labels, c] : f->counters) {
      out += name + LabelText(labels) + " " + FormatValue(c->Value()) + "\n";
    }
    for (const auto& [labels, g] : f->gauges) {
      out += name + LabelText(labels) + " " + FormatValue(g->Value()) + "\n";
    }
    for (const auto& [labels, h] : f->histograms) {
      Histogram::Snapshot s = h->Get();
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        std::string le = i < s.upper_bounds.size() ? FormatValue(s.upper_bounds[i]) : "+Inf";
        out += name + "_bucket" + LabelText(labels, "le", le) + " " +
               std::to_string(s.cumulative[i]) + "\n";
      }
      out += name + "_sum" + LabelText(labels) + " " + FormatValue(s.sum) + "\n";
      out += name + "_count" + LabelText(labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

}  // namespace berth::runtime
