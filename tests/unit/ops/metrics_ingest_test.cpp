// The receiver's and the delivery side's metric sets: SPEC §7 names, bounded labels.
#include "slwd/ops/metrics_ingest.hpp"

#include <gtest/gtest.h>

#include <array>

#include "slwd/ops/metrics_delivery.hpp"

namespace slwd::ops {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 2> kKnown = {"EMAIL_REPLY", "EMAIL_OPEN"};

bool has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

TEST(IngestMetrics, CountsAnswersByEndpointAndStatus) {
  Metrics m;
  IngestMetrics ingest(m, kKnown);
  ingest.answered("/webhooks/smartlead", 200, 2ms);
  ingest.answered("/webhooks/smartlead", 200, 2ms);
  ingest.answered("/webhooks/smartlead", 401, 1ms);
  ingest.answered("other", 404, 100us);
  auto text = m.render();
  EXPECT_TRUE(has(
      text, R"(smartlead_webhook_requests_total{endpoint="/webhooks/smartlead",status="200"} 2)"))
      << text;
  EXPECT_TRUE(has(
      text, R"(smartlead_webhook_requests_total{endpoint="/webhooks/smartlead",status="401"} 1)"));
  EXPECT_TRUE(has(text, R"(smartlead_webhook_requests_total{endpoint="other",status="404"} 1)"));
  EXPECT_TRUE(has(text, "smartlead_webhook_signature_failures_total 1"));
  EXPECT_TRUE(has(text, "smartlead_webhook_request_duration_seconds_count 4"));
  EXPECT_TRUE(has(text, R"(smartlead_webhook_request_duration_seconds_bucket{le="0.0005"} 1)"));
  EXPECT_TRUE(has(text, R"(smartlead_webhook_request_duration_seconds_bucket{le="0.001"} 2)"));
  EXPECT_TRUE(has(text, R"(smartlead_webhook_request_duration_seconds_bucket{le="0.0025"} 4)"));
}

TEST(IngestMetrics, EventTypesOutsideTheKnownSetAreUnknown) {
  Metrics m;
  IngestMetrics ingest(m, kKnown);
  auto text = m.render();
  // Every known type and unknown show from the start.
  EXPECT_TRUE(has(text, R"(smartlead_webhook_events_total{event_type="EMAIL_OPEN"} 0)")) << text;
  EXPECT_TRUE(has(text, R"(smartlead_webhook_events_total{event_type="EMAIL_REPLY"} 0)"));
  EXPECT_TRUE(has(text, R"(smartlead_webhook_events_total{event_type="unknown"} 0)"));
  EXPECT_TRUE(has(text, "smartlead_webhook_duplicates_total 0"));
  EXPECT_TRUE(has(text, "smartlead_webhook_quarantined_total 0"));

  ingest.recorded("EMAIL_REPLY");
  ingest.recorded("SOMETHING_NEW");
  ingest.recorded("email_reply");  // not canonical: the caller canonicalizes
  ingest.recorded("x\"y");
  ingest.duplicate();
  ingest.quarantined();
  text = m.render();
  EXPECT_TRUE(has(text, R"(smartlead_webhook_events_total{event_type="EMAIL_REPLY"} 1)"));
  EXPECT_TRUE(has(text, R"(smartlead_webhook_events_total{event_type="unknown"} 3)"));
  EXPECT_EQ(text.find("SOMETHING_NEW"), std::string::npos);
  EXPECT_TRUE(has(text, "smartlead_webhook_duplicates_total 1"));
  EXPECT_TRUE(has(text, "smartlead_webhook_quarantined_total 1"));
}

TEST(DeliveryMetrics, CountsAttemptsAndReportsQueuesAtScrape) {
  Metrics m;
  DeliveryMetrics delivery(m);
  auto text = m.render();
  // Families are announced before any attempt or source.
  EXPECT_NE(text.find("# TYPE smartlead_queue_pending gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE smartlead_dlq_size gauge\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE smartlead_handler_deliveries_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE smartlead_handler_delivery_duration_seconds histogram\n"),
            std::string::npos);

  delivery.attempt("slack", DeliveryOutcome::retry, 30ms);
  delivery.attempt("slack", DeliveryOutcome::success, 20ms);
  delivery.attempt("file", DeliveryOutcome::dead, 1ms);
  std::uint64_t pending = 4;
  delivery.set_queue_source([&] {
    return std::vector<HandlerQueue>{{"slack", pending, 0}, {"file", 0, 1}};
  });
  text = m.render();
  EXPECT_TRUE(has(text, R"(smartlead_handler_deliveries_total{handler="slack",outcome="retry"} 1)"))
      << text;
  EXPECT_TRUE(
      has(text, R"(smartlead_handler_deliveries_total{handler="slack",outcome="success"} 1)"));
  EXPECT_TRUE(has(text, R"(smartlead_handler_deliveries_total{handler="file",outcome="dead"} 1)"));
  EXPECT_TRUE(has(text, R"(smartlead_handler_delivery_duration_seconds_count{handler="slack"} 2)"));
  EXPECT_TRUE(has(text, R"(smartlead_queue_pending{handler="slack"} 4)"));
  EXPECT_TRUE(has(text, R"(smartlead_queue_pending{handler="file"} 0)"));
  EXPECT_TRUE(has(text, R"(smartlead_dlq_size{handler="file"} 1)"));
  EXPECT_TRUE(has(text, R"(smartlead_dlq_size{handler="slack"} 0)"));
  pending = 0;
  EXPECT_TRUE(has(m.render(), R"(smartlead_queue_pending{handler="slack"} 0)"));
}

}  // namespace
}  // namespace slwd::ops

namespace slwd::ops {
namespace {

TEST(DeliveryMetricsQueues, OneScrapeAsksTheStoreOnce) {
  Metrics m;
  DeliveryMetrics delivery(m);
  int asked = 0;
  delivery.set_queue_source([&] {
    ++asked;
    return std::vector<HandlerQueue>{{"file", 2, 1}};
  });
  auto text = m.render();
  EXPECT_EQ(asked, 1);
  EXPECT_NE(text.find("smartlead_queue_pending{handler=\"file\"} 2"), std::string::npos);
  EXPECT_NE(text.find("smartlead_dlq_size{handler=\"file\"} 1"), std::string::npos);
  m.render();
  EXPECT_EQ(asked, 2);
}

}  // namespace
}  // namespace slwd::ops
