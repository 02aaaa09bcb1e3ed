#pragma once
// The five HubSpot CRM v3 calls the hubspot handler makes, with HubSpot's request shapes
// (HubSpot's OpenAPI specs: PublicObjectSearchRequest, SimplePublicObjectInput[ForCreate]) and
// the SPEC §6 reading of its answers. No state of its own beyond configuration: the caller
// brings the HTTP client (one per concurrent lead group) and the batch's shared context.
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "hubspot_event_plan.hpp"
#include "slwd/handlers/handler.hpp"
#include "slwd/ops/token_bucket.hpp"
#include "slwd/outbound/http_client.hpp"

namespace slwd::handlers::hubspot {

using Clock = std::chrono::steady_clock;

// A limit on HubSpot calls (SPEC §6: 9 requests/s overall, contact search at most 4/s),
// shared by the handler's concurrent lead groups; a caller waits for a token rather than fail,
// up to its deadline. Calls, not events, are what HubSpot counts: a new lead's reply is four.
class CallLimiter {
 public:
  CallLimiter(double per_second, double burst);
  // Takes a token, sleeping until one is free; false (nothing taken) when that would be after
  // `deadline`.
  bool acquire(Clock::time_point deadline);

 private:
  static std::int64_t now_ms();
  std::mutex mutex_;
  ops::TokenBucket bucket_;
};

// What every call of one batch shares: once HubSpot rejects the token (401/403) or says
// "too many requests" (429), the batch's remaining calls are not made — they could only fail
// the same way, and hammering a rate-limited API prolongs the limit.
class BatchStop {
 public:
  std::optional<Outcome> reason() const;
  void stop(const Outcome& why);

 private:
  mutable std::mutex mutex_;
  std::optional<Outcome> reason_;
};

struct CallContext {
  outbound::HttpClient& client;
  Clock::time_point deadline;  // no call starts after it (the batch's time budget)
  BatchStop& stop;
};

struct ApiResult {
  Outcome outcome;                    // success when the call did what was asked
  std::optional<std::string> id;      // the object found or created
  bool conflict = false;              // create contact answered 409: the email exists
  std::optional<std::string> existing_id;  // the 409's "Existing ID: <id>", when it names one
  bool maybe_applied = false;         // failed, yet HubSpot may have done it (5xx, timeout, ...)
  bool ok() const { return outcome.kind == OutcomeKind::success; }
};

class Api {
 public:
  Api(std::string base_url, std::string token, std::chrono::milliseconds timeout,
      CallLimiter& request_limiter, CallLimiter& search_limiter);

  // POST /crm/v3/objects/contacts/search, email EQ: the contact's id, or no id when none.
  ApiResult search_contact(CallContext& ctx, const std::string& email);
  // POST /crm/v3/objects/contacts {"properties": {...}}.
  ApiResult create_contact(CallContext& ctx, const Properties& properties);
  // PATCH /crm/v3/objects/contacts/{id} {"properties": {...}}.
  ApiResult update_contact(CallContext& ctx, const std::string& contact_id,
                           const Properties& properties);
  // POST /crm/v3/objects/notes/search, hs_note_body CONTAINS_TOKEN marker: the note's id, or
  // no id when none.
  ApiResult find_note(CallContext& ctx, const std::string& marker);
  // POST /crm/v3/objects/notes with the note→contact association (HUBSPOT_DEFINED 202).
  ApiResult create_note(CallContext& ctx, const std::string& contact_id, const std::string& body,
                        const std::string& timestamp);

  // SPEC §6 outcome of one answer, worded for `step` ("create note", ...): 401/403 ->
  // permanent "hubspot: token rejected (401)"; 429 -> retryable with Retry-After; other 4xx ->
  // permanent with HubSpot's `message`; 5xx, timeouts, transport errors -> retryable. The token
  // never appears in the text.
  Outcome outcome_of_answer(const outbound::HttpResponse& response, const std::string& step) const;

 private:
  struct Answer {
    outbound::HttpResponse response;
    Outcome outcome;
    bool sent = false;
  };
  Answer call(CallContext& ctx, const std::string& step, const std::string& method,
              const std::string& path, const std::string& body, bool search);
  ApiResult search_one(CallContext& ctx, const std::string& step, const std::string& path,
                       const std::string& request, const std::string& property,
                       const std::string& must_contain);
  std::string redact(std::string text) const;

  std::string base_url_;
  std::string token_;
  std::chrono::milliseconds timeout_;
  CallLimiter& request_limiter_;
  CallLimiter& search_limiter_;
};

// Lead-facing wording of HubSpot error bodies: the JSON `message` (Error / StandardError
// schema), else a one-line snippet of the body.
std::string hubspot_message(const std::string& body);

}  // namespace slwd::handlers::hubspot
