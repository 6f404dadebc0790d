#include "operator/runtime/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace berth::runtime {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  Metrics m;
  m.GetCounter("berth_reconcile_total", "Reconciles.", {{"controller", "stack"}, {"result", "ok"}})
      .Inc(3);
  m.GetGauge("berth_workqueue_depth", "Depth.", {{"name", "stack"}}).Set(2);
  auto& h = m.GetHistogram("berth_reconcile_duration_seconds", "Time.", {0.1, 1},
                           {{"controller", "stack"}});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(7);
  EXPECT_EQ(m.Render(),
            "# HELP berth_reconcile_duration_seconds Time.\n"
            "# TYPE berth_reconcile_duration_seconds histogram\n"
            "berth_reconcile_duration_seconds_bucket{controller=\"stack\",le=\"0.1\"} 1\n"
            "berth_reconcile_duration_seconds_bucket{controller=\"stack\",le=\"1\"} 2\n"
            "berth_reconcile_duration_seconds_bucket{controller=\"stack\",le=\"+Inf\"} 3\n"
            "berth_reconcile_duration_seconds_sum{controller=\"stack\"} 7.55\n"
            "berth_reconcile_duration_seconds_count{controller=\"stack\"} 3\n"
            "# HELP berth_reconcile_total Reconciles.\n"
            "# TYPE berth_reconcile_total counter\n"
            "berth_reconcile_total{controller=\"stack\",result=\"ok\"} 3\n"
            "# HELP berth_workqueue_depth Depth.\n"
            "# TYPE berth_workqueue_depth gauge\n"
            "berth_workqueue_depth{name=\"stack\"} 2\n");
}

TEST(MetricsTest, SameNameAndLabelsIsTheSameChild) {
  Metrics m;
  Counter& a = m.GetCounter("c_total", "help", {{"x", "1"}});
  Counter& b = m.GetCounter("c_total", "help", {{"x", "1"}});
  Counter& c = m.GetCounter("c_total", "help", {{"x", "2"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Metrics m;
  m.GetGauge("g", "line1\nline2 \\", {{"path", "a\"b\\c\nd"}}).Set(-1.5);
  EXPECT_EQ(m.Render(),
            "# HELP g line1\\nline2 \\\\\n"
            "# TYPE g gauge\n"
            "g{path=\"a\\\"b\\\\c\\nd\"} -1.5\n");
}

TEST(MetricsTest, UnlabeledMetric) {
  Metrics m;
  m.GetCounter("up_total", "Ups.").Inc();
  EXPECT_EQ(m.Render(), "# HELP up_total Ups.\n# TYPE up_total counter\nup_total 1\n");
}

TEST(MetricsTest, CountsFromManyThreads) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        m.GetCounter("n_total", "n").Inc();
        m.GetHistogram("h", "h", DurationBuckets()).Observe(0.01);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.GetCounter("n_total", "n").Value(), 40000);
  EXPECT_EQ(m.GetHistogram("h", "h", DurationBuckets()).Get().count, 40000u);
}

TEST(MetricsDeathTest, TypeMismatchIsABug) {
  Metrics m;
  m.GetCounter("x_total", "x");
  EXPECT_DEATH(m.GetGauge("x_total", "x"), "another type");
}

}  // namespace
}  // namespace berth::runtime
