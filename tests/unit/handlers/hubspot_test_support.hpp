#pragma once
// Helpers for the hubspot handler tests: a handler config pointing at a FakeHubspot, SmartLead
// event bodies for any lead, fixtures, and work items with chosen recording times.
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "handler_test_support.hpp"
#include "slwd/security/signature.hpp"
#include "support/fake_hubspot.hpp"

namespace slwd::handlers::test {

using namespace std::chrono_literals;
using slwd::test::FakeHsCall;
using slwd::test::FakeHsFailure;
using slwd::test::FakeHubspot;

inline config::HandlerConfig hubspot_config(const FakeHubspot& hs) {
  auto c = handler_config("hubspot", "crm");
  c.token = hs.token();
  c.base_url = hs.base_url();
  c.timeout = 5s;
  c.properties = {{"category", "smartlead_category"},
                  {"unsubscribed", "smartlead_unsubscribed"},
                  {"bounced", "smartlead_bounced"}};
  return c;
}

// The custom contact properties the README tells users to create.
inline void define_smartlead_properties(FakeHubspot& hs) {
  hs.define_property("smartlead_category");
  hs.define_property("smartlead_unsubscribed");
  hs.define_property("smartlead_bounced");
}

inline std::string fixture(const std::string& relative) {
  std::ifstream in(std::string(SLWD_FIXTURES_DIR) + "/events/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string reply_body(const std::string& email, const std::string& text = "Sounds good",
                              const std::string& name = "Ann Lee") {
  return nlohmann::json{{"event_type", "EMAIL_REPLY"},
                        {"event_timestamp", "2024-03-05T11:20:00.000Z"},
                        {"to_email", email},
                        {"to_name", name},
                        {"campaign_id", 353},
                        {"campaign_name", "Spring Outreach"},
                        {"subject", "Re: Intro"},
                        {"reply_message", {{"text", text}}}}
      .dump();
}

inline std::string category_body(const std::string& email, const std::string& category) {
  return nlohmann::json{{"event_type", "LEAD_CATEGORY_UPDATED"},
                        {"to_email", email},
                        {"to_name", "Ann Lee"},
                        {"campaign_id", 353},
                        {"lead_category", {{"new_name", category}, {"new_id", 1}}}}
      .dump();
}

inline std::string unsubscribe_body(const std::string& email) {
  return nlohmann::json{{"event_type", "LEAD_UNSUBSCRIBED"}, {"to_email", email}, {"campaign_id", 353}}
      .dump();
}

inline std::string bounce_body(const std::string& email) {
  return nlohmann::json{{"event_type", "EMAIL_BOUNCE"},
                        {"to_email", email},
                        {"campaign_id", 353},
                        {"bounce_message", {{"text", "550 5.1.1 User unknown"}}}}
      .dump();
}

// A work item whose event type is read from its body, recorded at `received_at_ms`.
inline store::WorkItem hs_item(const std::string& delivery_id, const std::string& body,
                               std::int64_t received_at_ms = 1700000000000, int attempts = 0) {
  auto item = work_item(delivery_id, body);
  auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("event_type") && parsed["event_type"].is_string()) {
    item.event_type = parsed["event_type"].get<std::string>();
  }
  item.received_at_ms = received_at_ms;
  item.attempts = attempts;
  return item;
}

// What the handler puts into a note body to find it again (see README "HubSpot").
inline std::string marker_of(const std::string& delivery_id) {
  return "slwd" + security::sha256_hex(delivery_id).substr(0, 32);
}

inline std::string property_of(const nlohmann::json& body, const std::string& name) {
  if (!body.is_object() || !body.contains("properties") || !body["properties"].contains(name)) return "";
  const auto& v = body["properties"][name];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace slwd::handlers::test
