// The registry: exact exposition text, concurrency, callbacks, registration rules.
#include "slwd/ops/metrics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>

namespace slwd::ops {
namespace {

TEST(Metrics, ExpositionTextIsExact) {
  Metrics m;
  auto& requests = m.counter("b_requests_total", "Requests.\nSecond line with a \\ backslash.",
                             {"path", "code"});
  requests.inc({"/x", "200"});
  requests.inc({"/x", "200"});
  requests.inc({"a\\b\"c\nd", "404"}, 5);
  auto& latency = m.histogram("a_latency_seconds", "Latency.", {}, {0.125, 1});
  latency.with().observe(0.0625);
  latency.with().observe(0.125);  // le is inclusive
  latency.with().observe(0.5);
  latency.with().observe(3.0);
  m.gauge_callback("c_queue", "Queue \"depth\".", {"handler"}, [] {
    return std::vector<Sample>{{{"z"}, 0}, {{"a"}, 2.5}};
  });
  m.counter("d_plain_total", "No labels.");

  EXPECT_EQ(m.render(),
            "# HELP a_latency_seconds Latency.\n"
            "# TYPE a_latency_seconds histogram\n"
            "a_latency_seconds_bucket{le=\"0.125\"} 2\n"
            "a_latency_seconds_bucket{le=\"1\"} 3\n"
            "a_latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "a_latency_seconds_sum 3.6875\n"
            "a_latency_seconds_count 4\n"
            "# HELP b_requests_total Requests.\\nSecond line with a \\\\ backslash.\n"
            "# TYPE b_requests_total counter\n"
            "b_requests_total{path=\"/x\",code=\"200\"} 2\n"
            "b_requests_total{path=\"a\\\\b\\\"c\\nd\",code=\"404\"} 5\n"
            "# HELP c_queue Queue \"depth\".\n"
            "# TYPE c_queue gauge\n"
            "c_queue{handler=\"a\"} 2.5\n"
            "c_queue{handler=\"z\"} 0\n"
            "# HELP d_plain_total No labels.\n"
            "# TYPE d_plain_total counter\n"
            "d_plain_total 0\n");
}

TEST(Metrics, LabelledHistogramPutsLeLast) {
  Metrics m;
  auto& h = m.histogram("h_seconds", "H.", {"handler"}, {1});
  h.with({"slack"}).observe(2);
  EXPECT_EQ(m.render(),
            "# HELP h_seconds H.\n"
            "# TYPE h_seconds histogram\n"
            "h_seconds_bucket{handler=\"slack\",le=\"1\"} 0\n"
            "h_seconds_bucket{handler=\"slack\",le=\"+Inf\"} 1\n"
            "h_seconds_sum{handler=\"slack\"} 2\n"
            "h_seconds_count{handler=\"slack\"} 1\n");
}

TEST(Metrics, DefaultBucketsAreSpelledAsPrometheusDoes) {
  Metrics m;
  m.histogram("d_seconds", "D.").with().observe(0.0007);
  auto text = m.render();
  for (const char* le : {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                         "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"}) {
    EXPECT_NE(text.find(std::string("le=\"") + le + "\"}"), std::string::npos) << le;
  }
  EXPECT_NE(text.find("d_seconds_bucket{le=\"0.0005\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("d_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("d_seconds_count 1\n"), std::string::npos);
}

TEST(Metrics, ConcurrentIncrementsSumExactly) {
  Metrics m;
  auto& family = m.counter("c_total", "C.", {"k"});
  auto& hist = m.histogram("h_seconds", "H.", {}, {0.5});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread creates its own series while others look theirs up (the table grows under
      // concurrent readers), and all share one hot series.
      auto& mine = family.with({"t" + std::to_string(t)});
      for (int i = 0; i < kPerThread; ++i) {
        family.with({"shared"}).inc();
        mine.inc();
        family.with({"s" + std::to_string(i % 200)}).inc();
        hist.with().observe(i % 2 ? 1.0 : 0.25);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(family.with({"shared"}).value(), std::uint64_t{kThreads} * kPerThread);
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(family.with({"t" + std::to_string(t)}).value(), kPerThread);
  for (int s = 0; s < 200; ++s) {
    EXPECT_EQ(family.with({"s" + std::to_string(s)}).value(),
              std::uint64_t{kThreads} * kPerThread / 200);
  }
  auto snap = hist.with().snapshot();
  EXPECT_EQ(snap.cumulative.back(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(snap.cumulative.front(), std::uint64_t{kThreads} * kPerThread / 2);
  EXPECT_DOUBLE_EQ(snap.sum, kThreads * (kPerThread / 2) * 1.25);
}

TEST(Metrics, ScrapingWhileSeriesAreCreatedIsSafe) {
  Metrics m;
  auto& family = m.counter("c_total", "C.", {"k"});
  auto& hist = m.histogram("h_seconds", "H.", {"k"});
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done) EXPECT_NE(m.render().find("# TYPE c_total counter\n"), std::string::npos);
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        family.inc({std::to_string(t * 10000 + i)});
        hist.with({std::to_string(i % 50)}).observe(0.01);
      }
    });
  }
  for (auto& w : writers) w.join();
  done = true;
  scraper.join();
  auto text = m.render();
  std::size_t series = 0;
  for (std::size_t at = text.find("\nc_total{"); at != std::string::npos;
       at = text.find("\nc_total{", at + 1))
    ++series;
  EXPECT_EQ(series, 8000u);
  EXPECT_NE(text.find("h_seconds_count{k=\"7\"} 160\n"), std::string::npos);
}

TEST(Metrics, ChildReferencesStayValidAsTheFamilyGrows) {
  Metrics m;
  auto& family = m.counter("g_total", "G.", {"k"});
  Counter& first = family.with({"first"});
  for (int i = 0; i < 5000; ++i) family.inc({std::to_string(i)});
  first.inc(7);
  EXPECT_EQ(&family.with({"first"}), &first);
  EXPECT_EQ(family.with({"first"}).value(), 7u);
  EXPECT_EQ(family.with({"4999"}).value(), 1u);
}

TEST(Metrics, LabelValuesThatConcatenateAlikeAreDistinct) {
  Metrics m;
  auto& family = m.counter("x_total", "X.", {"a", "b"});
  family.inc({"ab", "c"});
  family.inc({"a", "bc"}, 2);
  EXPECT_EQ(family.with({"ab", "c"}).value(), 1u);
  EXPECT_EQ(family.with({"a", "bc"}).value(), 2u);
}

TEST(Metrics, WrongNumberOfLabelValuesThrows) {
  Metrics m;
  auto& family = m.counter("x_total", "X.", {"a", "b"});
  EXPECT_THROW(family.with({"only-one"}), std::invalid_argument);
  EXPECT_THROW(m.histogram("y_seconds", "Y.").with({"extra"}), std::invalid_argument);
}

TEST(Metrics, GaugeCallbacksAreEvaluatedAtEachRender) {
  Metrics m;
  int calls = 0;
  double depth = 3;
  m.gauge_callback("q", "Q.", {"handler"}, [&] {
    ++calls;
    return std::vector<Sample>{{{"log"}, depth}};
  });
  EXPECT_EQ(calls, 0);
  EXPECT_NE(m.render().find("q{handler=\"log\"} 3\n"), std::string::npos);
  depth = 0;
  EXPECT_NE(m.render().find("q{handler=\"log\"} 0\n"), std::string::npos);
  EXPECT_EQ(calls, 2);
  // Registering again replaces the callback.
  m.gauge_callback("q", "Q.", {"handler"}, [] { return std::vector<Sample>{{{"file"}, 1}}; });
  auto text = m.render();
  EXPECT_EQ(text.find("handler=\"log\""), std::string::npos);
  EXPECT_NE(text.find("q{handler=\"file\"} 1\n"), std::string::npos);
}

TEST(Metrics, AThrowingCallbackLeavesTheRestOfTheScrapeIntact) {
  Metrics m;
  m.gauge_callback("broken", "B.", {},
                   []() -> std::vector<Sample> { throw std::runtime_error("store down"); });
  m.counter("ok_total", "OK.").inc();
  m.gauge_callback("wrong_arity", "W.", {"a"}, [] {
    return std::vector<Sample>{{{}, 1}, {{"x"}, 2}};
  });
  EXPECT_EQ(m.render(),
            "# HELP broken B.\n# TYPE broken gauge\n"
            "# HELP ok_total OK.\n# TYPE ok_total counter\nok_total 1\n"
            "# HELP wrong_arity W.\n# TYPE wrong_arity gauge\nwrong_arity{a=\"x\"} 2\n");
}

TEST(Metrics, RegistrationIsIdempotentButRefusesClashes) {
  Metrics m;
  auto& a = m.counter("r_total", "R.", {"x"});
  EXPECT_EQ(&m.counter("r_total", "R.", {"x"}), &a);
  EXPECT_THROW(m.counter("r_total", "R.", {"y"}), std::invalid_argument);
  EXPECT_THROW(m.histogram("r_total", "R.", {"x"}), std::invalid_argument);
  EXPECT_THROW(m.gauge_callback("r_total", "R.", {"x"}, nullptr), std::invalid_argument);
  m.gauge_callback("g", "G.", {}, nullptr);
  EXPECT_THROW(m.counter_callback("g", "G.", {}, nullptr), std::invalid_argument);
  EXPECT_THROW(m.counter("1bad", "B."), std::invalid_argument);
  EXPECT_THROW(m.counter("bad-name", "B."), std::invalid_argument);
  EXPECT_THROW(m.counter("ok_total2", "B.", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(m.counter("ok_total3", "B.", {"has:colon"}), std::invalid_argument);
  EXPECT_THROW(m.histogram("h", "H.", {"le"}), std::invalid_argument);
  EXPECT_THROW(m.histogram("h2", "H.", {}, {1, 0.5}), std::invalid_argument);
  EXPECT_NO_THROW(m.histogram("h3", "H.", {}, {1, INFINITY}));
  EXPECT_NO_THROW(m.counter("ns:sub_total", "Colons are fine in metric names."));
}

TEST(Metrics, ValuesAndEscapesAreSpelledPerFormat) {
  EXPECT_EQ(format_value(0.0005), "0.0005");
  EXPECT_EQ(format_value(10), "10");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(INFINITY), "+Inf");
  EXPECT_EQ(format_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_value(NAN), "NaN");
  EXPECT_EQ(format_value(1e21), "1e+21");
  EXPECT_EQ(format_value(123456789), "123456789");
  EXPECT_EQ(format_value(0.00001), "1e-05");
  EXPECT_EQ(format_value(1234567.5), "1.2345675e+06");
  EXPECT_EQ(format_value(3.6875), "3.6875");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");
}

TEST(Metrics, NanObservationsAreDropped) {
  Metrics m;
  auto& h = m.histogram("n_seconds", "N.", {}, {1}).with();
  h.observe(NAN);
  h.observe(0.5);
  auto snap = h.snapshot();
  EXPECT_EQ(snap.cumulative.back(), 1u);
  EXPECT_EQ(snap.sum, 0.5);
}

}  // namespace
}  // namespace slwd::ops
