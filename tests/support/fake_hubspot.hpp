#pragma once
// A fake HubSpot CRM v3 on FakeHttpServer (a real socket), for the hubspot handler's tests.
// It implements the request and response shapes of HubSpot's OpenAPI specs for the calls the
// handler makes, with in-memory contacts and notes:
//   POST  /crm/v3/objects/contacts/search  filterGroups[].filters[] email EQ (case-insensitive)
//   POST  /crm/v3/objects/contacts         {"properties"}; 409 CONFLICT on a duplicate email
//   PATCH /crm/v3/objects/contacts/{id}    {"properties"}; 404 for an unknown id
//   POST  /crm/v3/objects/notes            {"properties", "associations"} (note→contact: 202)
//   POST  /crm/v3/objects/notes/search     hs_note_body CONTAINS_TOKEN, associations.contact EQ
// Every call needs `Authorization: Bearer <token>` (else 401 INVALID_AUTHENTICATION); bodies
// that do not match the spec's shapes get HubSpot's 400 VALIDATION_ERROR, property values
// must be strings, and only defined properties may be written. Errors use HubSpot's Error
// JSON ({"status":"error","message","correlationId","category"}).
//
// Failures are scriptable per route and per call index of that route; a call can be delayed
// (to observe concurrency). Thread-safe: the server thread handles calls, tests inspect.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/fake_http_server.hpp"

namespace slwd::test {

// Route names: method + path template.
inline constexpr const char* kHsSearchContacts = "POST /crm/v3/objects/contacts/search";
inline constexpr const char* kHsCreateContact = "POST /crm/v3/objects/contacts";
inline constexpr const char* kHsUpdateContact = "PATCH /crm/v3/objects/contacts/{id}";
inline constexpr const char* kHsCreateNote = "POST /crm/v3/objects/notes";
inline constexpr const char* kHsSearchNotes = "POST /crm/v3/objects/notes/search";

struct FakeHsContact {
  std::string id;
  std::map<std::string, std::string> properties;  // "email" included
};

struct FakeHsAssociation {
  std::string to_id;
  std::string category;  // associationCategory
  int type_id = 0;       // associationTypeId
};

struct FakeHsNote {
  std::string id;
  std::map<std::string, std::string> properties;  // hs_note_body, hs_timestamp
  std::vector<FakeHsAssociation> associations;
};

struct FakeHsCall {
  std::size_t index = 0;        // among all calls
  std::string route;            // one of kHs*, or "METHOD /path" for anything else
  std::string method;
  std::string target;           // as sent
  std::string authorization;    // the header as sent
  std::string content_type;
  nlohmann::json body;          // parsed request body (null when none or not JSON)
  int status = 0;               // what the fake answered
  std::string email;            // the lead the call concerns, lowercase, when known
  std::chrono::steady_clock::time_point arrived;
  std::chrono::steady_clock::time_point answered;  // arrived + delay (the answer is not earlier)
};

// What a scripted call does instead of (or after) its normal work.
struct FakeHsFailure {
  FakeHsFailure() = default;
  FakeHsFailure(int status_, std::string message_, std::string category_,
                std::optional<std::string> retry_after_ = std::nullopt)
      : status(status_),
        message(std::move(message_)),
        category(std::move(category_)),
        retry_after(std::move(retry_after_)) {}

  int status = 500;
  std::string message = "internal error";
  std::string category = "INTERNAL_ERROR";
  std::optional<std::string> retry_after;  // Retry-After header value
  bool apply_first = false;  // do the call's work (store the object) and then answer `status`
  bool hang = false;         // never answer
};

class FakeHubspot {
 public:
  explicit FakeHubspot(std::string token = "pat-na1-test-token-0123456789");
  FakeHubspot(const FakeHubspot&) = delete;
  FakeHubspot& operator=(const FakeHubspot&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:PORT"
  const std::string& token() const { return token_; }

  // ---- state
  // Adds a contact (as if created in HubSpot's UI); returns its id.
  std::string add_contact(std::map<std::string, std::string> properties);
  // Lets the property be written (email, firstname, lastname, company, hs_lead_status exist).
  void define_property(const std::string& name);
  // The next `searches` contact searches for this email find nothing (HubSpot's search index
  // lags behind writes by a few seconds).
  void hide_from_search(const std::string& email, std::size_t searches);

  // ---- scripting
  // The call with this 0-based index among the calls of `route` fails as described.
  void fail(const std::string& route, std::size_t call_index, FakeHsFailure failure);
  // Every call of `route` from now on fails (until clear_failures()).
  void fail_always(const std::string& route, FakeHsFailure failure);
  void clear_failures();
  // Every answer waits this long (all routes).
  void set_delay(std::chrono::milliseconds delay);

  // ---- inspection
  std::vector<FakeHsContact> contacts() const;
  std::optional<FakeHsContact> contact_by_email(const std::string& email) const;
  std::vector<FakeHsNote> notes() const;
  std::vector<FakeHsNote> notes_of(const std::string& contact_id) const;
  std::vector<FakeHsCall> calls() const;
  std::vector<std::string> routes() const;  // route of every call, in order
  std::size_t count(const std::string& route) const;

 private:
  Reply handle(const RecordedRequest& request);
  Reply route_call(const std::string& route, const std::string& path_id, const nlohmann::json& body,
                   FakeHsCall& call);
  Reply search_contacts(const nlohmann::json& body, FakeHsCall& call);
  Reply create_contact(const nlohmann::json& body, FakeHsCall& call);
  Reply update_contact(const std::string& id, const nlohmann::json& body, FakeHsCall& call);
  Reply create_note(const nlohmann::json& body, FakeHsCall& call);
  Reply search_notes(const nlohmann::json& body, FakeHsCall& call);
  std::optional<Reply> check_properties(const nlohmann::json& properties, bool for_note) const;
  const FakeHsContact* find_email(const std::string& email) const;
  std::string next_id();

  std::string token_;
  mutable std::mutex mutex_;
  std::vector<FakeHsContact> contacts_;
  std::vector<FakeHsNote> notes_;
  std::set<std::string> defined_;
  std::map<std::string, std::size_t> hidden_;  // email -> searches left that find nothing
  std::map<std::pair<std::string, std::size_t>, FakeHsFailure> failures_;
  std::map<std::string, FakeHsFailure> always_;
  std::map<std::string, std::size_t> route_counts_;
  std::vector<FakeHsCall> calls_;
  std::chrono::milliseconds delay_{0};
  std::uint64_t next_id_ = 1001;
  std::unique_ptr<FakeHttpServer> server_;  // last: stopped first, while the state above lives
};

// HubSpot's Error JSON body.
std::string hubspot_error_body(const std::string& message, const std::string& category);

}  // namespace slwd::test
