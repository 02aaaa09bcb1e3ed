// The `hubspot` handler (SPEC §6) against a fake HubSpot CRM on a real socket: the call
// sequence per event type, the request shapes, the outcome of HubSpot's answers, idempotent
// retries and every generation of SmartLead fields.
#include <gtest/gtest.h>

#include "hubspot_test_support.hpp"

namespace slwd::handlers::test {
namespace {

using slwd::test::kHsCreateContact;
using slwd::test::kHsCreateNote;
using slwd::test::kHsSearchContacts;
using slwd::test::kHsSearchNotes;
using slwd::test::kHsUpdateContact;
using Routes = std::vector<std::string>;

class HubspotHandlerTest : public ::testing::Test {
 protected:
  HubspotHandlerTest() { define_smartlead_properties(hs_); }

  std::unique_ptr<Handler> handler() { return make(config_); }
  std::unique_ptr<Handler> handler(const config::HandlerConfig& c) { return make(c); }

  FakeHubspot hs_;
  config::HandlerConfig config_ = hubspot_config(hs_);
};

TEST_F(HubspotHandlerTest, NewLeadReplySearchesCreatesContactThenAddsNote) {
  const std::string body = nlohmann::json{
      {"event_type", "EMAIL_REPLY"},
      {"event_timestamp", "2024-03-05T11:20:00+01:00"},
      {"to_email", "Ann.Lee@Acme.example"},
      {"to_name", "Ann Marie Lee"},
      {"lead_data", {{"first_name", "Ann Marie"}, {"last_name", "Lee"}, {"company_name", "Acme & Co"}}},
      {"campaign_id", 353},
      {"campaign_name", "Q3 <Launch>"},
      {"subject", "Re: pricing & terms"},
      {"reply_message", {{"text", "Sounds good.\nCall me <tomorrow>"}, {"html", "<p>ignored</p>"}}}}
                               .dump();
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("d-new", body));
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;

  EXPECT_EQ(hs_.routes(), (Routes{kHsSearchContacts, kHsCreateContact, kHsSearchNotes, kHsCreateNote}));
  auto calls = hs_.calls();
  for (const auto& call : calls) {
    EXPECT_EQ(call.authorization, "Bearer " + hs_.token());
    EXPECT_EQ(call.content_type, "application/json");
  }
  // The search is HubSpot's PublicObjectSearchRequest: email EQ, limit 1.
  const auto& search = calls[0].body;
  ASSERT_TRUE(search.contains("filterGroups"));
  EXPECT_EQ(search["filterGroups"][0]["filters"][0],
            (nlohmann::json{{"propertyName", "email"}, {"operator", "EQ"}, {"value", "ann.lee@acme.example"}}));
  EXPECT_EQ(search["limit"], 1);

  auto contact = hs_.contact_by_email("ann.lee@acme.example");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->properties["firstname"], "Ann Marie");  // explicit field beats splitting
  EXPECT_EQ(contact->properties["lastname"], "Lee");
  EXPECT_EQ(contact->properties["company"], "Acme & Co");

  auto notes = hs_.notes_of(contact->id);
  ASSERT_EQ(notes.size(), 1u);
  ASSERT_EQ(notes[0].associations.size(), 1u);
  EXPECT_EQ(notes[0].associations[0].to_id, contact->id);
  EXPECT_EQ(notes[0].associations[0].category, "HUBSPOT_DEFINED");
  EXPECT_EQ(notes[0].associations[0].type_id, 202);
  EXPECT_EQ(notes[0].properties["hs_timestamp"], "2024-03-05T10:20:00.000Z");
  const std::string& note = notes[0].properties["hs_note_body"];
  EXPECT_NE(note.find("Q3 &lt;Launch&gt;"), std::string::npos) << note;
  EXPECT_NE(note.find("Re: pricing &amp; terms"), std::string::npos) << note;
  EXPECT_NE(note.find("Sounds good.<br>Call me &lt;tomorrow&gt;"), std::string::npos) << note;
  EXPECT_EQ(note.find("<Launch>"), std::string::npos);
  EXPECT_EQ(note.find("<tomorrow>"), std::string::npos);
  EXPECT_NE(note.find(marker_of("d-new")), std::string::npos);
  // The note search looks for exactly that marker.
  EXPECT_EQ(calls[2].body["filterGroups"][0]["filters"][0],
            (nlohmann::json{{"propertyName", "hs_note_body"}, {"operator", "CONTAINS_TOKEN"},
                            {"value", marker_of("d-new")}}));
}

TEST_F(HubspotHandlerTest, SplitsTheLeadNameWhenThereAreNoExplicitFields) {
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("d-fx", fixture("current/EMAIL_REPLY.json")));
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  auto contact = hs_.contact_by_email("david.carroll@lead.example");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->properties["firstname"], "David");
  EXPECT_EQ(contact->properties["lastname"], "Carroll");
  EXPECT_EQ(contact->properties.count("company"), 0u);
  auto notes = hs_.notes_of(contact->id);
  ASSERT_EQ(notes.size(), 1u);
  const std::string& note = notes[0].properties["hs_note_body"];
  EXPECT_NE(note.find("Spring Outreach"), std::string::npos);
  EXPECT_NE(note.find("Re: Intro: faster onboarding"), std::string::npos);
  EXPECT_NE(note.find("Sounds good, send me a time."), std::string::npos);
  EXPECT_EQ(notes[0].properties["hs_timestamp"], "2024-03-05T11:20:00.000Z");
}

TEST_F(HubspotHandlerTest, KnownLeadReplyAddsANoteWithoutCreatingTheContact) {
  const auto id = hs_.add_contact({{"email", "ann@acme.example"}, {"firstname", "Ann"}});
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("d-known", reply_body("ANN@acme.example", "Yes please")));
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  EXPECT_EQ(hs_.routes(), (Routes{kHsSearchContacts, kHsSearchNotes, kHsCreateNote}));
  EXPECT_EQ(hs_.contacts().size(), 1u);
  auto notes = hs_.notes_of(id);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].properties["hs_note_body"].find("Yes please"), std::string::npos);
}

TEST_F(HubspotHandlerTest, CategoryUnsubscribeAndBounceSetTheirProperties) {
  const auto id = hs_.add_contact({{"email", "ann@acme.example"}});
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("c1", category_body("ann@acme.example", "Meeting Booked"), 1),
                               hs_item("u1", unsubscribe_body("ann@acme.example"), 2),
                               hs_item("b1", bounce_body("ann@acme.example"), 3)});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  // One search for the lead's group, then one PATCH per event, in order.
  EXPECT_EQ(hs_.routes(), (Routes{kHsSearchContacts, kHsUpdateContact, kHsUpdateContact, kHsUpdateContact}));
  auto calls = hs_.calls();
  EXPECT_EQ(calls[1].target, "/crm/v3/objects/contacts/" + id);
  EXPECT_EQ(calls[1].body, (nlohmann::json{{"properties", {{"smartlead_category", "Meeting Booked"}}}}));
  EXPECT_EQ(calls[2].body, (nlohmann::json{{"properties", {{"smartlead_unsubscribed", "true"}}}}));
  EXPECT_EQ(calls[3].body, (nlohmann::json{{"properties", {{"smartlead_bounced", "true"}}}}));
  auto contact = hs_.contact_by_email("ann@acme.example");
  EXPECT_EQ(contact->properties["smartlead_category"], "Meeting Booked");
  EXPECT_EQ(contact->properties["smartlead_unsubscribed"], "true");
  EXPECT_EQ(contact->properties["smartlead_bounced"], "true");
}

TEST_F(HubspotHandlerTest, CategoryMapTranslatesTheNameIntoAnExistingPropertysValue) {
  hs_.add_contact({{"email", "ann@acme.example"}});
  config_.properties = {{"category", "hs_lead_status"}};
  config_.category_map = {{"interested", "OPEN_DEAL"}, {"Not Interested", "UNQUALIFIED"}};
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("c1", category_body("ann@acme.example", "Interested"), 1),
                               hs_item("c2", category_body("ann@acme.example", "Out Of Office"), 2)});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto calls = hs_.calls();
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(property_of(calls[1].body, "hs_lead_status"), "OPEN_DEAL");  // map, ignoring case
  EXPECT_EQ(property_of(calls[2].body, "hs_lead_status"), "Out Of Office");  // not mapped: as is
}

TEST_F(HubspotHandlerTest, NewLeadCategoryChangeCreatesTheContactThenPatchesIt) {
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("c-new", fixture("current/LEAD_CATEGORY_UPDATED.json")));
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  EXPECT_EQ(hs_.routes(), (Routes{kHsSearchContacts, kHsCreateContact, kHsUpdateContact}));
  auto contact = hs_.contact_by_email("david.carroll@lead.example");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->properties["company"], "Lead Co");
  EXPECT_EQ(contact->properties["smartlead_category"], "Interested");
}

TEST_F(HubspotHandlerTest, UnconfiguredPropertiesAndOtherEventsSucceedWithoutACall) {
  config_.properties.clear();
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("c1", category_body("ann@acme.example", "Interested")),
                               hs_item("u1", unsubscribe_body("ann@acme.example")),
                               hs_item("b1", bounce_body("ann@acme.example")),
                               hs_item("o1", fixture("current/EMAIL_OPEN.json")),
                               hs_item("s1", fixture("current/EMAIL_SENT.json")),
                               hs_item("x1", fixture("current/CAMPAIGN_STATUS_CHANGED.json")),
                               hs_item("t1", fixture("current/UNTRACKED_REPLIES.json")),
                               hs_item("n1", R"({"event_type":"SOMETHING_NEW","to_email":"a@b.c"})")});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  EXPECT_EQ(hs_.calls().size(), 0u);
}

TEST_F(HubspotHandlerTest, OnlyTheConfiguredPropertyIsWritten) {
  hs_.add_contact({{"email", "ann@acme.example"}});
  config_.properties = {{"bounced", "smartlead_bounced"}};
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("u1", unsubscribe_body("ann@acme.example"), 1),
                               hs_item("b1", bounce_body("ann@acme.example"), 2)});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  EXPECT_EQ(hs_.routes(), (Routes{kHsSearchContacts, kHsUpdateContact}));
  EXPECT_EQ(hs_.calls()[1].body, (nlohmann::json{{"properties", {{"smartlead_bounced", "true"}}}}));
}

TEST_F(HubspotHandlerTest, AnEventWithoutLeadEmailIsAPermanentFailure) {
  auto h = handler();
  auto outcome = deliver_one(
      *h, hs_item("no-email", R"({"event_type":"EMAIL_REPLY","campaign_id":1,"preview_text":"hi"})"));
  EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
  EXPECT_EQ(outcome.error, "hubspot: no lead email");
  EXPECT_EQ(hs_.calls().size(), 0u);
}

TEST_F(HubspotHandlerTest, ConflictOnCreateSearchesAgainAndContinues) {
  const auto id = hs_.add_contact({{"email", "ann@acme.example"}});
  hs_.hide_from_search("ann@acme.example", 1);  // the first search misses it (index lag)
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("d-409", reply_body("ann@acme.example")));
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  EXPECT_EQ(hs_.routes(), (Routes{kHsSearchContacts, kHsCreateContact, kHsSearchContacts,
                                  kHsSearchNotes, kHsCreateNote}));
  EXPECT_EQ(hs_.calls()[1].status, 409);
  EXPECT_EQ(hs_.contacts().size(), 1u);
  EXPECT_EQ(hs_.notes_of(id).size(), 1u);
}

TEST_F(HubspotHandlerTest, ConflictWhileSearchStillLagsUsesTheExistingIdHubspotNames) {
  const auto id = hs_.add_contact({{"email", "ann@acme.example"}});
  hs_.hide_from_search("ann@acme.example", 2);
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("d-409b", category_body("ann@acme.example", "Interested")));
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  EXPECT_EQ(hs_.routes(), (Routes{kHsSearchContacts, kHsCreateContact, kHsSearchContacts, kHsUpdateContact}));
  EXPECT_EQ(hs_.calls()[3].target, "/crm/v3/objects/contacts/" + id);
  EXPECT_EQ(hs_.contacts().size(), 1u);
}

// ---- outcomes of HubSpot's answers -----------------------------------------------------------

TEST_F(HubspotHandlerTest, TooManyRequestsIsRetryableAndHonoursRetryAfter) {
  hs_.fail(kHsSearchContacts, 0,
           FakeHsFailure{429, "You have reached your secondly limit.", "RATE_LIMITS", "7"});
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("r1", reply_body("a@x.example")), hs_item("r2", reply_body("b@x.example"))});
  // The two leads race for the first search slot: one gets the 429 ...
  const bool first_limited = outcomes[0].error.find("You have reached") != std::string::npos;
  const Outcome& limited = first_limited ? outcomes[0] : outcomes[1];
  const Outcome& other = first_limited ? outcomes[1] : outcomes[0];
  EXPECT_EQ(limited.kind, OutcomeKind::retryable);
  EXPECT_EQ(limited.error,
            "hubspot: search contact: rate limited (429): You have reached your secondly limit.");
  ASSERT_TRUE(limited.retry_after_ms.has_value());
  EXPECT_GE(*limited.retry_after_ms, 6000);
  EXPECT_LE(*limited.retry_after_ms, 7000);
  // ... and the rest of the batch backs off too instead of calling a rate-limited API.
  EXPECT_EQ(other.kind, OutcomeKind::retryable);
  EXPECT_NE(other.error.find("not attempted"), std::string::npos) << other.error;
  EXPECT_EQ(other.retry_after_ms, limited.retry_after_ms);
  EXPECT_EQ(hs_.count(kHsSearchContacts), 1u);
  EXPECT_EQ(hs_.count(kHsCreateNote), 0u);
}

TEST_F(HubspotHandlerTest, RejectedTokenIsPermanentAndNamed) {
  config_.token = "pat-na1-wrong-token-ffffffff";
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("t1", reply_body("a@x.example")), hs_item("t2", bounce_body("b@x.example"))});
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.kind, OutcomeKind::permanent);
    EXPECT_EQ(o.error, "hubspot: token rejected (401)");
  }
  EXPECT_EQ(hs_.calls().size(), 1u);  // the second lead was not tried with a rejected token
}

TEST_F(HubspotHandlerTest, ForbiddenIsATokenRejectionToo) {
  hs_.fail(kHsSearchContacts, 0,
           FakeHsFailure{403, "This app hasn't been granted all required scopes", "MISSING_SCOPES"});
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("f1", reply_body("a@x.example")));
  EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
  EXPECT_EQ(outcome.error, "hubspot: token rejected (403)");
}

TEST_F(HubspotHandlerTest, BadRequestIsPermanentWithHubspotsMessage) {
  hs_.add_contact({{"email", "ann@acme.example"}});
  config_.properties = {{"category", "no_such_property"}};
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("c1", category_body("ann@acme.example", "Interested")));
  EXPECT_EQ(outcome.kind, OutcomeKind::permanent);
  EXPECT_EQ(outcome.error.rfind("hubspot: update contact: HTTP 400: Property values were not valid", 0), 0u)
      << outcome.error;
  EXPECT_NE(outcome.error.find("no_such_property"), std::string::npos);
  EXPECT_EQ(outcome.error.find("correlationId"), std::string::npos);  // the message, not the JSON
}

TEST_F(HubspotHandlerTest, ServerErrorsAndTimeoutsAreRetryable) {
  hs_.fail(kHsSearchContacts, 0, FakeHsFailure{502, "Bad Gateway", "INTERNAL_ERROR"});
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("e1", reply_body("a@x.example")));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error, "hubspot: search contact: HTTP 502: Bad Gateway");

  FakeHsFailure hang;
  hang.hang = true;
  hs_.fail(kHsSearchContacts, 1, hang);
  config_.timeout = 300ms;
  auto slow = handler();
  auto timed_out = deliver_one(*slow, hs_item("e2", reply_body("a@x.example")));
  EXPECT_EQ(timed_out.kind, OutcomeKind::retryable);
  EXPECT_NE(timed_out.error.find("timeout"), std::string::npos) << timed_out.error;
}

TEST_F(HubspotHandlerTest, ConnectionErrorsAreRetryable) {
  config_.base_url = "http://127.0.0.1:1";
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("e1", reply_body("a@x.example")));
  EXPECT_EQ(outcome.kind, OutcomeKind::retryable);
  EXPECT_EQ(outcome.error.rfind("hubspot: search contact: ", 0), 0u) << outcome.error;
}

TEST_F(HubspotHandlerTest, TheTokenNeverAppearsInAnOutcome) {
  const std::string token = hs_.token();
  const std::vector<FakeHsFailure> failures = {
      {400, "bad request for Bearer " + token, "VALIDATION_ERROR"},
      {404, "no such thing " + token, "OBJECT_NOT_FOUND"},
      {429, "slow down " + token, "RATE_LIMITS", "1"},
      {500, "oops " + token, "INTERNAL_ERROR"},
      {401, "token " + token + " expired", "EXPIRED_AUTHENTICATION"},
  };
  for (const auto& failure : failures) {
    hs_.clear_failures();
    hs_.fail_always(kHsSearchContacts, failure);
    auto h = handler();
    auto outcome = deliver_one(*h, hs_item("tok", reply_body("a@x.example")));
    EXPECT_NE(outcome.kind, OutcomeKind::success);
    EXPECT_EQ(outcome.error.find(token), std::string::npos) << outcome.error;
    EXPECT_EQ(outcome.error.find("pat-na1"), std::string::npos) << outcome.error;
  }
}

// ---- idempotent retries ---------------------------------------------------------------------

TEST_F(HubspotHandlerTest, RetryAfterANoteStoredButNotAcknowledgedAddsNoSecondNote) {
  FakeHsFailure lost;
  lost.status = 500;
  lost.apply_first = true;  // HubSpot stored the note, then the answer failed
  hs_.fail(kHsCreateNote, 0, lost);
  auto h = handler();
  auto first = deliver_one(*h, hs_item("d-lost", reply_body("ann@acme.example")));
  ASSERT_EQ(first.kind, OutcomeKind::retryable);
  // The retry waits for HubSpot's search index to show the note.
  ASSERT_TRUE(first.retry_after_ms.has_value());
  EXPECT_GE(*first.retry_after_ms, 10000);
  ASSERT_EQ(hs_.notes().size(), 1u);

  auto second = deliver_one(*h, hs_item("d-lost", reply_body("ann@acme.example"), 1700000000000, 1));
  EXPECT_EQ(second.kind, OutcomeKind::success) << second.error;
  EXPECT_EQ(hs_.notes().size(), 1u);
  EXPECT_EQ(hs_.contacts().size(), 1u);
  EXPECT_EQ(hs_.count(kHsCreateNote), 1u);

  // A restarted daemon (a new handler, nothing in memory) finds it by its marker too.
  auto restarted = handler();
  auto third = deliver_one(*restarted, hs_item("d-lost", reply_body("ann@acme.example"), 1700000000000, 2));
  EXPECT_EQ(third.kind, OutcomeKind::success) << third.error;
  EXPECT_EQ(hs_.notes().size(), 1u);
  EXPECT_EQ(hs_.count(kHsCreateNote), 1u);
}

TEST_F(HubspotHandlerTest, RedeliveryOfACompletedReplyMakesNoCallAtAll) {
  auto h = handler();
  ASSERT_EQ(deliver_one(*h, hs_item("d-once", reply_body("ann@acme.example"))).kind, OutcomeKind::success);
  const auto calls = hs_.calls().size();
  // E.g. the store could not record the success and the work came back.
  auto again = deliver_one(*h, hs_item("d-once", reply_body("ann@acme.example"), 1700000000000, 1));
  EXPECT_EQ(again.kind, OutcomeKind::success);
  EXPECT_EQ(hs_.calls().size(), calls);
  EXPECT_EQ(hs_.notes().size(), 1u);
}

TEST_F(HubspotHandlerTest, RetryAfterAContactStoredButNotAcknowledgedAddsNoSecondContact) {
  FakeHsFailure lost;
  lost.status = 503;
  lost.apply_first = true;
  hs_.fail(kHsCreateContact, 0, lost);
  auto h = handler();
  auto first = deliver_one(*h, hs_item("d-c", reply_body("ann@acme.example")));
  ASSERT_EQ(first.kind, OutcomeKind::retryable);
  ASSERT_EQ(hs_.contacts().size(), 1u);
  auto second = deliver_one(*h, hs_item("d-c", reply_body("ann@acme.example"), 1700000000000, 1));
  EXPECT_EQ(second.kind, OutcomeKind::success) << second.error;
  EXPECT_EQ(hs_.contacts().size(), 1u);
  EXPECT_EQ(hs_.count(kHsCreateContact), 1u);
  EXPECT_EQ(hs_.notes().size(), 1u);
}

TEST_F(HubspotHandlerTest, DifferentDeliveriesOfTheSameLeadGetTheirOwnNotes) {
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("r1", reply_body("ann@acme.example", "first"), 1),
                               hs_item("r2", reply_body("ann@acme.example", "second"), 2)});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto notes = hs_.notes();
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].properties["hs_note_body"].find("first"), std::string::npos);
  EXPECT_NE(notes[1].properties["hs_note_body"].find("second"), std::string::npos);
  EXPECT_EQ(hs_.count(kHsSearchContacts), 1u);  // the group reuses the contact it found
}

// ---- field generations ----------------------------------------------------------------------

TEST_F(HubspotHandlerTest, LegacyReplyFieldsWork) {
  auto h = handler();
  auto outcome = deliver_one(*h, hs_item("l-reply", fixture("legacy/EMAIL_REPLY.json")));
  ASSERT_EQ(outcome.kind, OutcomeKind::success) << outcome.error;
  auto contact = hs_.contact_by_email("david.carroll@lead.example");
  ASSERT_TRUE(contact);
  EXPECT_EQ(contact->properties["firstname"], "David");
  auto notes = hs_.notes_of(contact->id);
  ASSERT_EQ(notes.size(), 1u);
  const std::string& note = notes[0].properties["hs_note_body"];
  EXPECT_NE(note.find("Not now, maybe Q3."), std::string::npos) << note;  // preview_text
  EXPECT_NE(note.find("Re: Following up"), std::string::npos);
  EXPECT_EQ(notes[0].properties["hs_timestamp"], "2023-09-25T18:02:40.000Z");  // time_replied
}

TEST_F(HubspotHandlerTest, LegacyCategoryUnsubscribeAndBounceFieldsWork) {
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("l-cat", fixture("legacy/LEAD_CATEGORY_UPDATED.json"), 1),
                               hs_item("l-bounce", fixture("legacy/EMAIL_BOUNCE.json"), 2),
                               hs_item("l-unsub", fixture("legacy/LEAD_UNSUBSCRIBED.json"), 3)});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto david = hs_.contact_by_email("david.carroll@lead.example");
  ASSERT_TRUE(david);
  EXPECT_EQ(david->properties["smartlead_category"], "Meeting Booked");  // `category`
  EXPECT_EQ(david->properties["smartlead_bounced"], "true");
  EXPECT_EQ(david->properties["firstname"], "David");  // lead_data.first_name
  EXPECT_EQ(david->properties["lastname"], "Carroll");
  auto bob = hs_.contact_by_email("bob@lead.example");  // lead_email
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->properties["smartlead_unsubscribed"], "true");
  EXPECT_EQ(bob->properties["firstname"], "Bob");
}

TEST_F(HubspotHandlerTest, NestedAndEnvelopeFormatsWork) {
  auto h = handler();
  auto outcomes = deliver(*h, {hs_item("n-reply", fixture("nested/EMAIL_REPLIED.json"), 1),
                               hs_item("n-unsub", fixture("nested/EMAIL_UNSUBSCRIBED.json"), 2),
                               hs_item("e-reply", fixture("envelope/EMAIL_REPLY.json"), 3)});
  for (const auto& o : outcomes) EXPECT_EQ(o.kind, OutcomeKind::success) << o.error;
  auto lead = hs_.contact_by_email("lead@example.com");
  ASSERT_TRUE(lead);
  EXPECT_EQ(lead->properties["firstname"], "John");
  EXPECT_EQ(lead->properties["lastname"], "Doe");
  EXPECT_EQ(lead->properties["company"], "Acme Corp");
  auto notes = hs_.notes_of(lead->id);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].properties["hs_note_body"].find("I&#39;m interested"), std::string::npos)
      << notes[0].properties["hs_note_body"];
  auto david = hs_.contact_by_email("david.carroll@lead.example");
  ASSERT_TRUE(david);
  ASSERT_EQ(hs_.notes_of(david->id).size(), 1u);
  EXPECT_NE(hs_.notes_of(david->id)[0].properties["hs_note_body"].find("Let&#39;s talk Thursday."),
            std::string::npos);
}

}  // namespace
}  // namespace slwd::handlers::test
