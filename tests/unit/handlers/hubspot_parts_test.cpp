// The hubspot handler's parts on their own: text helpers of the note, the event → plan
// mapping, the per-lead gate, grouping and the note ledger. (Internal headers: included by
// path, as they are not part of the public include tree.)
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "../../../src/handlers/hubspot_event_plan.hpp"
#include "../../../src/handlers/hubspot_lead_order.hpp"
#include "../../../src/handlers/hubspot_note.hpp"
#include "../../../src/handlers/hubspot_note_ledger.hpp"
#include "hubspot_test_support.hpp"

namespace slwd::handlers::test {
namespace {

namespace hs = slwd::handlers::hubspot;

TEST(HubspotNote, EscapesHtmlWithoutBreakingEntitiesOrUtf8) {
  EXPECT_EQ(hs::html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(hs::html_escape("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(hs::html_escape("bad\xFF"), "bad\xEF\xBF\xBD");
  // Cut: never inside "&amp;" or the two bytes of "é"; an ellipsis marks the cut.
  const std::string cut = hs::html_escape("abc&def", 8);
  EXPECT_EQ(cut, "abc\xE2\x80\xA6");
  EXPECT_EQ(hs::html_escape("\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9\xE2\x80\xA6");
  EXPECT_EQ(hs::html_escape("\xC3\xA9\xC3\xA9\xC3\xA9", 4), "\xE2\x80\xA6");
  EXPECT_EQ(hs::html_escape("\xC3\xA9\xC3\xA9\xC3\xA9", 6), "\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_LE(hs::html_escape(std::string(1000, '<'), 100).size(), 100u);
}

TEST(HubspotNote, HtmlToTextKeepsLinesAndDecodesEntities) {
  EXPECT_EQ(hs::html_to_text("<div>Hi&nbsp;there<br>Tom &amp; Jerry</div><p>x</p>"),
            "Hi there\nTom & Jerry\nx");
}

TEST(HubspotNote, ParsesEveryTimestampFormSmartleadSends) {
  EXPECT_EQ(hs::parse_timestamp_ms("2024-03-05T11:20:00.000Z"), 1709637600000);
  EXPECT_EQ(hs::parse_timestamp_ms("2024-03-05T11:20:00Z"), 1709637600000);
  EXPECT_EQ(hs::parse_timestamp_ms("2024-03-05T12:20:00+01:00"), 1709637600000);
  EXPECT_EQ(hs::parse_timestamp_ms("2024-03-05T06:20:00-0500"), 1709637600000);
  EXPECT_EQ(hs::parse_timestamp_ms("2023-09-25T18:02:40.123456+00:00"), 1695664960123);
  EXPECT_EQ(hs::parse_timestamp_ms("1709637600"), 1709637600000);
  EXPECT_EQ(hs::parse_timestamp_ms("1709637600123"), 1709637600123);
  EXPECT_FALSE(hs::parse_timestamp_ms("yesterday"));
  EXPECT_FALSE(hs::parse_timestamp_ms("2024-13-05T11:20:00Z"));
  EXPECT_FALSE(hs::parse_timestamp_ms("2024-03-05T11:20:00Zjunk"));
}

TEST(HubspotNote, MarkerIsOneAlphanumericTokenPerDelivery) {
  const auto m = hs::note_marker("req-1");
  EXPECT_EQ(m, marker_of("req-1"));
  EXPECT_EQ(m.size(), 36u);
  EXPECT_TRUE(std::all_of(m.begin(), m.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }));
  EXPECT_NE(m, hs::note_marker("req-2"));
}

TEST(HubspotNote, BodyStaysUnderHubspotsLimit) {
  hs::NoteInput in;
  in.reply_text = std::string(200000, '\n');
  in.marker = hs::note_marker("x");
  const auto body = hs::note_body_html(in);
  EXPECT_LE(body.size(), hs::kMaxNoteBytes);
  EXPECT_NE(body.find(in.marker), std::string::npos);  // the marker survives the cut
}

TEST(HubspotNote, LinksOnlyToWebUrls) {
  hs::NoteInput in;
  in.marker = "m";
  in.app_url = "javascript:alert(1)";
  EXPECT_EQ(hs::note_body_html(in).find("href"), std::string::npos);
  in.app_url = "https://app.smartlead.ai/x?a=1&b=\"2\"";
  EXPECT_NE(hs::note_body_html(in).find("href=\"https://app.smartlead.ai/x?a=1&amp;b=&quot;2&quot;\""),
            std::string::npos);
}

TEST(HubspotPlan, SplitsNamesAndMapsCategories) {
  EXPECT_EQ(hs::split_name("David Carroll"), (std::pair<std::string, std::string>{"David", "Carroll"}));
  EXPECT_EQ(hs::split_name(" Mary Ann van Dyke "), (std::pair<std::string, std::string>{"Mary", "Ann van Dyke"}));
  EXPECT_EQ(hs::split_name("Cher"), (std::pair<std::string, std::string>{"Cher", ""}));
  EXPECT_EQ(hs::split_name("ann@acme.example"), (std::pair<std::string, std::string>{"", ""}));
  const std::map<std::string, std::string> map = {{"Interested", "OPEN"}, {"meeting booked", "CONNECTED"}};
  EXPECT_EQ(hs::map_category("Interested", map), "OPEN");
  EXPECT_EQ(hs::map_category("Meeting Booked", map), "CONNECTED");
  EXPECT_EQ(hs::map_category("Out Of Office", map), "Out Of Office");
}

TEST(HubspotPlan, PlansOneWritePerEventType) {
  hs::MappingSettings s{{{"category", "sl_cat"}, {"bounced", "sl_bounced"}}, {}};
  auto reply = hs::plan_event(hs_item("r", reply_body("Ann@X.example ")), s);
  EXPECT_EQ(reply.write, hs::WriteKind::note);
  EXPECT_EQ(reply.lead_key, "ann@x.example");
  EXPECT_EQ(reply.new_contact.at("email"), "ann@x.example");
  EXPECT_EQ(reply.note_marker, hs::note_marker("r"));
  auto cat = hs::plan_event(hs_item("c", category_body("a@x.example", "Interested")), s);
  EXPECT_EQ(cat.write, hs::WriteKind::update);
  EXPECT_EQ(cat.update, (hs::Properties{{"sl_cat", "Interested"}}));
  auto unsub = hs::plan_event(hs_item("u", unsubscribe_body("a@x.example")), s);  // not configured
  EXPECT_EQ(unsub.write, hs::WriteKind::none);
  EXPECT_TRUE(unsub.error.empty());
  auto bounce = hs::plan_event(hs_item("b", bounce_body("a@x.example")), s);
  EXPECT_EQ(bounce.update, (hs::Properties{{"sl_bounced", "true"}}));
}

TEST(HubspotPlan, NoteTimeFallsBackToTheRecordingTime) {
  auto item = hs_item("r", R"({"event_type":"EMAIL_REPLY","to_email":"a@x.example","event_timestamp":"soon"})",
                      1709637600123);
  auto plan = hs::plan_event(item, {});
  EXPECT_EQ(plan.note_time, "2024-03-05T11:20:00.123Z");
}

// Found by the hubspot fuzz target (tests/fuzz/regressions/hubspot/): times that parse but that
// hs_timestamp's YYYY-MM-DDTHH:MM:SS.mmmZ cannot hold came out as "33658-..." or ".-500Z".
TEST(HubspotPlan, NoteTimeOutsideYears1970To9999FallsBackToTheRecordingTime) {
  for (const char* sent : {"999999999999999", "9999-12-31T23:59:59.999-23:59",
                           "1969-12-31T23:59:59.500Z"}) {
    auto item = hs_item("r",
                        std::string(R"({"event_type":"EMAIL_REPLY","to_email":"a@x.example","event_timestamp":")") +
                            sent + "\"}",
                        1709637600123);
    EXPECT_EQ(hs::plan_event(item, {}).note_time, "2024-03-05T11:20:00.123Z") << sent;
  }
  auto last = hs_item("r", R"({"event_type":"EMAIL_REPLY","to_email":"a@x.example","event_timestamp":"9999-12-31T23:59:59.999Z"})",
                      1709637600123);
  EXPECT_EQ(hs::plan_event(last, {}).note_time, "9999-12-31T23:59:59.999Z");
}

store::WorkItem gate_item(std::string id, std::int64_t received) {
  store::WorkItem item;
  item.delivery_id = std::move(id);
  item.received_at_ms = received;
  return item;
}

TEST(HubspotLeadGate, HoldsNewerEventsUntilTheFailedOneIsDone) {
  hs::LeadGate gate(60000, 100);
  const auto x = gate_item("x", 100), newer = gate_item("y", 200), older = gate_item("w", 50);
  EXPECT_FALSE(gate.waiting_for("lead", newer, 0));
  gate.record("lead", x, OutcomeKind::retryable, false, 0);
  EXPECT_EQ(gate.waiting_for("lead", newer, 1), "x");
  EXPECT_FALSE(gate.waiting_for("lead", x, 1));      // the blocker itself may go
  EXPECT_FALSE(gate.waiting_for("lead", older, 1));  // an older event goes first
  EXPECT_FALSE(gate.waiting_for("other", newer, 1));
  gate.record("lead", x, OutcomeKind::retryable, false, 2);  // failed again: still blocked
  EXPECT_EQ(gate.waiting_for("lead", newer, 3), "x");
  gate.record("lead", x, OutcomeKind::success, false, 4);
  EXPECT_FALSE(gate.waiting_for("lead", newer, 5));
  EXPECT_EQ(gate.size(), 0u);
}

TEST(HubspotLeadGate, ReleasesOnPermanentFailureLastAttemptOrExpiry) {
  hs::LeadGate gate(1000, 100);
  const auto x = gate_item("x", 100), y = gate_item("y", 200);
  gate.record("lead", x, OutcomeKind::retryable, false, 0);
  gate.record("lead", x, OutcomeKind::permanent, false, 1);
  EXPECT_FALSE(gate.waiting_for("lead", y, 2));
  gate.record("lead", x, OutcomeKind::retryable, true, 3);  // last attempt: will be dead-lettered
  EXPECT_FALSE(gate.waiting_for("lead", y, 4));
  gate.record("lead", x, OutcomeKind::retryable, false, 10);
  EXPECT_TRUE(gate.waiting_for("lead", y, 1000));
  EXPECT_FALSE(gate.waiting_for("lead", y, 1011));  // not seen for longer than the expiry
}

TEST(HubspotLeadGate, TheOldestFailureBlocksAndCapacityIsBounded) {
  hs::LeadGate gate(60000, 2);
  gate.record("lead", gate_item("y", 200), OutcomeKind::retryable, false, 0);
  gate.record("lead", gate_item("w", 50), OutcomeKind::retryable, false, 1);
  EXPECT_EQ(gate.waiting_for("lead", gate_item("y", 200), 2), "w");
  gate.record("b", gate_item("b1", 1), OutcomeKind::retryable, false, 3);
  gate.record("c", gate_item("c1", 1), OutcomeKind::retryable, false, 4);
  EXPECT_EQ(gate.size(), 2u);
  EXPECT_FALSE(gate.waiting_for("lead", gate_item("z", 300), 5));  // the least recent was evicted
}

TEST(HubspotLeadOrder, GroupsByLeadInRecordingOrder) {
  std::vector<store::WorkItem> items = {gate_item("1", 30), gate_item("2", 10), gate_item("3", 20),
                                        gate_item("4", 5), gate_item("5", 10)};
  std::vector<std::string> keys = {"a", "b", "a", "", "a"};
  auto groups = hs::group_by_lead(items, keys);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<std::size_t>{4, 2, 0}));
  EXPECT_EQ(groups[1], (std::vector<std::size_t>{1}));
}

TEST(HubspotLeadOrder, RunsTasksConcurrentlyWithExclusiveWorkers) {
  std::atomic<int> running{0}, peak{0};
  std::vector<std::atomic<int>> busy(3);
  std::vector<int> done(10, 0);
  hs::run_concurrently(10, 3, [&](std::size_t worker, std::size_t index) {
    ASSERT_LT(worker, 3u);
    EXPECT_EQ(busy[worker]++, 0);
    int now = ++running;
    int p = peak;
    while (now > p && !peak.compare_exchange_weak(p, now)) {}
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
    --busy[worker];
    done[index]++;
  });
  EXPECT_EQ(std::count(done.begin(), done.end(), 1), 10);
  EXPECT_GE(peak.load(), 2);
  EXPECT_LE(peak.load(), 3);
}

TEST(HubspotNoteLedger, RemembersBoundedInSizeAndAge) {
  hs::NoteLedger ledger(2, 1000);
  ledger.remember("a", "n1", 0);
  ledger.remember("b", "n2", 10);
  EXPECT_EQ(ledger.find("a", 20), "n1");
  ledger.remember("c", "n3", 30);
  EXPECT_FALSE(ledger.find("a", 40));  // oldest evicted
  EXPECT_EQ(ledger.find("c", 40), "n3");
  EXPECT_FALSE(ledger.find("b", 1011));  // too old
  EXPECT_LE(ledger.size(), 1u);
}

}  // namespace
}  // namespace slwd::handlers::test
