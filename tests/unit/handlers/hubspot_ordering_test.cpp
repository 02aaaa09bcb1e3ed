// Per-lead ordering of the `hubspot` handler under concurrency: leads overlap, the calls of one
// lead never do and follow the events' order; a failing event holds back the newer events of
// its lead within its batch and across batches; the search sub-limit spaces searches out.
#include <gtest/gtest.h>

#include <map>

#include "hubspot_test_support.hpp"

namespace slwd::handlers::test {
namespace {

using slwd::test::kHsCreateContact;
using slwd::test::kHsCreateNote;
using slwd::test::kHsSearchContacts;
using slwd::test::kHsSearchNotes;
using slwd::test::kHsUpdateContact;
using Routes = std::vector<std::string>;

bool overlap(const FakeHsCall& a, const FakeHsCall& b) {
  return a.arrived < b.answered && b.arrived < a.answered;
}

// The lead a call concerns: the fake knows it for contact calls and note creates; a note search
// carries the marker of its delivery.
std::string lead_of(const FakeHsCall& call, const std::map<std::string, std::string>& marker_lead) {
  if (!call.email.empty()) return call.email;
  if (call.route == slwd::test::kHsSearchNotes) {
    auto marker = call.body["filterGroups"][0]["filters"][0]["value"].get<std::string>();
    if (auto it = marker_lead.find(marker); it != marker_lead.end()) return it->second;
  }
  return "?";
}

class HubspotOrderingTest : public ::testing::Test {
 protected:
  HubspotOrderingTest() { define_smartlead_properties(hs_); }
  FakeHubspot hs_;
  config::HandlerConfig config_ = hubspot_config(hs_);
};

TEST_F(HubspotOrderingTest, LeadsRunConcurrentlyAndEachLeadsCallsInOrder) {
  const std::vector<std::string> leads = {"a@x.example", "b@x.example", "c@x.example"};
  for (const auto& lead : leads) hs_.add_contact({{"email", lead}});
  // Long enough that the searches, spaced 250 ms apart by the 4/s limit, overlap other calls.
  hs_.set_delay(300ms);

  // Interleaved: reply, category, unsubscribe of each lead, leads alternating.
  std::vector<store::WorkItem> items;
  std::map<std::string, std::string> marker_lead;
  std::int64_t t = 1700000000000;
  for (int step = 0; step < 3; ++step) {
    for (std::size_t l = 0; l < leads.size(); ++l) {
      const std::string id = "d" + std::to_string(step) + "-" + std::to_string(l);
      const std::string body = step == 0   ? reply_body(leads[l])
                               : step == 1 ? category_body(leads[l], "Interested")
                                           : unsubscribe_body(leads[l]);
      items.push_back(hs_item(id, body, ++t));
      marker_lead[marker_of(id)] = leads[l];
    }
  }
  auto h = make(config_);
  auto outcomes = deliver(*h, items);
  for (const auto& o : outcomes) ASSERT_EQ(o.kind, OutcomeKind::success) << o.error;

  std::map<std::string, std::vector<FakeHsCall>> by_lead;
  for (const auto& call : hs_.calls()) by_lead[lead_of(call, marker_lead)].push_back(call);
  ASSERT_EQ(by_lead.count("?"), 0u);
  for (const auto& lead : leads) {
    const auto& calls = by_lead[lead];
    std::vector<std::string> routes;
    for (const auto& c : calls) routes.push_back(c.route);
    // Events in order: the note first, then the category, then the unsubscribe.
    EXPECT_EQ(routes, (Routes{kHsSearchContacts, kHsSearchNotes, kHsCreateNote, kHsUpdateContact,
                              kHsUpdateContact}))
        << lead;
    ASSERT_EQ(calls.size(), 5u);
    EXPECT_EQ(property_of(calls[3].body, "smartlead_category"), "Interested");
    EXPECT_EQ(property_of(calls[4].body, "smartlead_unsubscribed"), "true");
    // One at a time: each call of the lead starts after the previous one was answered.
    for (std::size_t k = 1; k < calls.size(); ++k) {
      EXPECT_FALSE(overlap(calls[k - 1], calls[k])) << lead << " call " << k;
      EXPECT_GE(calls[k].arrived, calls[k - 1].answered) << lead << " call " << k;
    }
  }
  // Different leads are in flight at the same time.
  bool any_overlap = false;
  for (const auto& a : by_lead[leads[0]]) {
    for (const auto& lead : {leads[1], leads[2]}) {
      for (const auto& b : by_lead[lead]) any_overlap = any_overlap || overlap(a, b);
    }
  }
  EXPECT_TRUE(any_overlap);
}

TEST_F(HubspotOrderingTest, ALeadsEventsAreAppliedInRecordingOrderNotBatchOrder) {
  // The store hands out work by due time: a retried old event can come after a newer one.
  hs_.add_contact({{"email", "a@x.example"}});
  auto h = make(config_);
  auto outcomes = deliver(*h, {hs_item("newer", category_body("a@x.example", "Not Interested"), 2000),
                               hs_item("older", category_body("a@x.example", "Interested"), 1000)});
  for (const auto& o : outcomes) ASSERT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto calls = hs_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(property_of(calls[1].body, "smartlead_category"), "Interested");
  EXPECT_EQ(property_of(calls[2].body, "smartlead_category"), "Not Interested");
  EXPECT_EQ(hs_.contact_by_email("a@x.example")->properties["smartlead_category"], "Not Interested");
}

TEST_F(HubspotOrderingTest, AFailingEventHoldsBackTheLaterEventsOfItsLeadOnly) {
  hs_.add_contact({{"email", "a@x.example"}});
  hs_.add_contact({{"email", "b@x.example"}});
  hs_.fail(kHsCreateNote, 0, FakeHsFailure{500, "internal error", "INTERNAL_ERROR"});
  auto h = make(config_);
  auto outcomes = deliver(*h, {hs_item("a-reply", reply_body("a@x.example"), 1),
                               hs_item("a-cat", category_body("a@x.example", "Interested"), 2),
                               hs_item("b-cat", category_body("b@x.example", "Interested"), 3),
                               hs_item("a-unsub", unsubscribe_body("a@x.example"), 4)});
  EXPECT_EQ(outcomes[0].kind, OutcomeKind::retryable);
  EXPECT_EQ(outcomes[1].kind, OutcomeKind::retryable);
  EXPECT_EQ(outcomes[1].error,
            "hubspot: waiting for an earlier event of this lead (delivery a-reply) to be delivered first");
  EXPECT_EQ(outcomes[2].kind, OutcomeKind::success) << outcomes[2].error;
  EXPECT_EQ(outcomes[3].kind, OutcomeKind::retryable);
  // Nothing of lead a was written after its failed note.
  EXPECT_EQ(hs_.contact_by_email("a@x.example")->properties.count("smartlead_category"), 0u);
  EXPECT_EQ(hs_.contact_by_email("b@x.example")->properties["smartlead_category"], "Interested");

  // Across batches: a newer event of lead a that comes back before the failed one waits again,
  // without a call.
  const auto calls_before = hs_.calls().size();
  auto early = deliver(*h, {hs_item("a-cat", category_body("a@x.example", "Interested"), 2, 1)});
  EXPECT_EQ(early[0].kind, OutcomeKind::retryable);
  EXPECT_NE(early[0].error.find("waiting for an earlier event"), std::string::npos);
  EXPECT_EQ(hs_.calls().size(), calls_before);

  // The failed event's retry goes first and releases the others, in order.
  auto retried = deliver(*h, {hs_item("a-unsub", unsubscribe_body("a@x.example"), 4, 1),
                              hs_item("a-reply", reply_body("a@x.example"), 1, 1),
                              hs_item("a-cat", category_body("a@x.example", "Interested"), 2, 2)});
  for (const auto& o : retried) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  std::vector<std::string> writes;
  for (const auto& c : hs_.calls()) {
    if (c.index < calls_before || c.status >= 300) continue;
    if (c.route == kHsCreateNote) writes.push_back("note");
    if (c.route == kHsUpdateContact) writes.push_back(c.body["properties"].begin().key());
  }
  EXPECT_EQ(writes, (Routes{"note", "smartlead_category", "smartlead_unsubscribed"}));
  EXPECT_EQ(hs_.notes().size(), 1u);
}

TEST_F(HubspotOrderingTest, AnEventOnItsLastAttemptDoesNotHoldBackItsLead) {
  hs_.add_contact({{"email", "a@x.example"}});
  config_.retry = config::RetryConfig{};
  config_.retry->max_attempts = 2;
  hs_.fail_always(kHsCreateNote, FakeHsFailure{500, "internal error", "INTERNAL_ERROR"});
  auto h = make(config_);
  // attempts = 1 before this one: this is the last, it will be dead-lettered.
  auto outcomes = deliver(*h, {hs_item("a-reply", reply_body("a@x.example"), 1, 1),
                               hs_item("a-cat", category_body("a@x.example", "Interested"), 2)});
  EXPECT_EQ(outcomes[0].kind, OutcomeKind::retryable);
  EXPECT_EQ(outcomes[1].kind, OutcomeKind::success) << outcomes[1].error;
  auto later = deliver(*h, {hs_item("a-unsub", unsubscribe_body("a@x.example"), 3)});
  EXPECT_EQ(later[0].kind, OutcomeKind::success) << later[0].error;
}

TEST_F(HubspotOrderingTest, APermanentFailureDoesNotHoldBackItsLead) {
  hs_.add_contact({{"email", "a@x.example"}});
  hs_.fail(kHsCreateNote, 0, FakeHsFailure{400, "hs_note_body is too long", "VALIDATION_ERROR"});
  auto h = make(config_);
  auto outcomes = deliver(*h, {hs_item("a-reply", reply_body("a@x.example"), 1),
                               hs_item("a-cat", category_body("a@x.example", "Interested"), 2)});
  EXPECT_EQ(outcomes[0].kind, OutcomeKind::permanent);
  EXPECT_EQ(outcomes[0].error, "hubspot: create note: HTTP 400: hs_note_body is too long");
  EXPECT_EQ(outcomes[1].kind, OutcomeKind::success) << outcomes[1].error;
}

TEST_F(HubspotOrderingTest, LeadEmailsAreGroupedIgnoringCase) {
  hs_.add_contact({{"email", "a@x.example"}});
  hs_.set_delay(30ms);
  auto h = make(config_);
  auto outcomes = deliver(*h, {hs_item("1", category_body("A@X.example", "Interested"), 1),
                               hs_item("2", unsubscribe_body("a@x.EXAMPLE"), 2)});
  for (const auto& o : outcomes) ASSERT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto calls = hs_.calls();
  EXPECT_EQ(hs_.count(kHsSearchContacts), 1u);  // one group, one search
  for (std::size_t k = 1; k < calls.size(); ++k) EXPECT_FALSE(overlap(calls[k - 1], calls[k]));
}

TEST_F(HubspotOrderingTest, SearchesStayUnderFourPerSecond) {
  auto h = make(config_);
  std::vector<store::WorkItem> items;
  for (int i = 0; i < 6; ++i) {
    items.push_back(hs_item("s" + std::to_string(i),
                            category_body("lead" + std::to_string(i) + "@x.example", "Interested"), i));
  }
  auto outcomes = deliver(*h, items);
  for (const auto& o : outcomes) ASSERT_EQ(o.kind, OutcomeKind::success) << o.error;
  std::vector<std::chrono::steady_clock::time_point> searches;
  for (const auto& c : hs_.calls()) {
    if (c.route == kHsSearchContacts) searches.push_back(c.arrived);
  }
  ASSERT_EQ(searches.size(), 6u);
  std::sort(searches.begin(), searches.end());
  // 4/s without a burst: slots 250 ms apart (the margins absorb a loaded machine's jitter
  // between taking a slot and the request arriving).
  for (std::size_t k = 1; k < searches.size(); ++k) {
    EXPECT_GE(searches[k] - searches[k - 1], 150ms) << k;
  }
  EXPECT_GE(searches.back() - searches.front(), 1100ms);
  EXPECT_EQ(hs_.contacts().size(), 6u);
}

TEST_F(HubspotOrderingTest, WaitingForASearchSlotIsBoundedByTheTimeout) {
  config_.timeout = 400ms;  // calls start within 800 ms; 8 searches need 1750 ms
  auto h = make(config_);
  std::vector<store::WorkItem> items;
  for (int i = 0; i < 8; ++i) {
    items.push_back(hs_item("w" + std::to_string(i),
                            category_body("lead" + std::to_string(i) + "@x.example", "Interested"), i));
  }
  const auto started = std::chrono::steady_clock::now();
  auto outcomes = deliver(*h, items);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2000ms);
  std::size_t done = 0, deferred = 0;
  for (const auto& o : outcomes) {
    if (o.kind == OutcomeKind::success) ++done;
    if (o.kind == OutcomeKind::retryable) {
      ++deferred;
      EXPECT_NE(o.error.find("not attempted"), std::string::npos) << o.error;
    }
  }
  EXPECT_GE(done, 1u);
  EXPECT_GE(deferred, 1u);
  EXPECT_EQ(done + deferred, items.size());
}

}  // namespace
}  // namespace slwd::handlers::test

namespace slwd::handlers {
namespace {

using namespace slwd::handlers::test;

// SPEC §6: the hubspot rate limit counts API requests, not events: new leads' replies (four
// calls each: search, create, note search, note) must stay under `rate_limit` calls per second.
TEST(HubspotRateLimit, TheOverallLimitCountsRequestsNotEvents) {
  slwd::test::FakeHubspot hs;
  define_smartlead_properties(hs);
  auto config = hubspot_config(hs);
  config.rate_limit = config::RateLimit{5, 1};  // an even 5 calls/s
  config::DeliveryConfig delivery;
  auto handler = make_handler(config, delivery);
  std::vector<store::WorkItem> items;
  std::int64_t t = 1700000000000;
  for (int i = 0; i < 3; ++i) {
    items.push_back(hs_item("rl-" + std::to_string(i), reply_body("new" + std::to_string(i) + "@x.example"), ++t));
  }
  std::vector<Outcome> outcomes(items.size());
  handler->deliver(items, outcomes);
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto calls = hs.calls();
  ASSERT_EQ(calls.size(), 12u);  // 3 new leads x (search, create, note search, note)
  // 12 calls at 5/s with burst 1: the 12th cannot start before 11 intervals of 200 ms.
  EXPECT_GE(calls.back().arrived - calls.front().arrived, std::chrono::milliseconds(2100));
  for (std::size_t i = 5; i < calls.size(); ++i) {  // never more than 5 (+1 burst) in any second
    EXPECT_GE(calls[i].arrived - calls[i - 5].arrived, std::chrono::milliseconds(800)) << i;
  }
}

}  // namespace
}  // namespace slwd::handlers
