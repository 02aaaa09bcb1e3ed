#include "hubspot_api.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "outcome_of.hpp"

namespace slwd::handlers::hubspot {
namespace {

using nlohmann::json;

std::string dump(const json& value) {
  // Every string here is valid UTF-8 already; `replace` only guards against a surprise.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::int64_t system_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Outcome retryable(std::string error) {
  return Outcome{OutcomeKind::retryable, std::move(error), std::nullopt};
}

// HubSpot's 409 on contact create: "Contact already exists. Existing ID: 12345".
std::optional<std::string> existing_id_of(const std::string& message) {
  static constexpr std::string_view kLabel = "Existing ID:";
  auto at = message.find(kLabel);
  if (at == std::string::npos) return std::nullopt;
  at += kLabel.size();
  while (at < message.size() && message[at] == ' ') ++at;
  std::size_t end = at;
  while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end]))) ++end;
  if (end == at) return std::nullopt;
  return message.substr(at, end - at);
}

std::optional<std::string> id_of(const json& object) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find("id");
  if (it == object.end()) return std::nullopt;
  if (it->is_string() && !it->get_ref<const std::string&>().empty()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return std::nullopt;
}

}  // namespace

// ---- CallLimiter ----------------------------------------------------------------------------

CallLimiter::CallLimiter(double per_second, double burst)
    : bucket_(per_second, burst, now_ms()) {}

std::int64_t CallLimiter::now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

bool CallLimiter::acquire(Clock::time_point deadline) {
  for (;;) {
    std::int64_t wait = 0;
    {
      std::lock_guard lock(mutex_);
      const auto now = now_ms();
      if (bucket_.available(now) >= 1) {
        bucket_.take(1, now);
        return true;
      }
      wait = std::max<std::int64_t>(1, bucket_.wait_ms(now));
    }
    const auto wake = Clock::now() + std::chrono::milliseconds(wait);
    if (wake > deadline) return false;
    std::this_thread::sleep_until(wake);  // another group may take the token first: loop
  }
}

// ---- BatchStop ------------------------------------------------------------------------------

std::optional<Outcome> BatchStop::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

void BatchStop::stop(const Outcome& why) {
  std::lock_guard lock(mutex_);
  if (!reason_) reason_ = why;
}

// ---- Api ------------------------------------------------------------------------------------

std::string hubspot_message(const std::string& body) {
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_object()) {
    auto it = parsed.find("message");
    if (it != parsed.end() && it->is_string()) {
      return one_line_snippet(it->get_ref<const std::string&>(), 300);
    }
  }
  return one_line_snippet(body, 200);
}

Api::Api(std::string base_url, std::string token, std::chrono::milliseconds timeout,
         CallLimiter& request_limiter, CallLimiter& search_limiter)
    : base_url_(std::move(base_url)),
      token_(std::move(token)),
      timeout_(timeout),
      request_limiter_(request_limiter),
      search_limiter_(search_limiter) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

std::string Api::redact(std::string text) const {
  // HubSpot does not echo credentials, but a proxy or a misrouted base_url might.
  if (token_.empty()) return text;
  for (auto at = text.find(token_); at != std::string::npos; at = text.find(token_, at)) {
    text.replace(at, token_.size(), "[redacted]");
  }
  return text;
}

Outcome Api::outcome_of_answer(const outbound::HttpResponse& response,
                               const std::string& step) const {
  Outcome base = outcome_of(response, timeout_, system_ms());
  if (base.kind == OutcomeKind::success) return base;
  const long status = response.status;
  if (response.timed_out || status == 0) {
    return Outcome{base.kind, redact("hubspot: " + step + ": " + base.error), std::nullopt};
  }
  if (status == 401 || status == 403) {
    // The body may say why (expired, missing scope), but the SPEC's wording is fixed and the
    // operator's fix is the same: a valid private-app token with the contacts scopes.
    return Outcome{OutcomeKind::permanent, "hubspot: token rejected (" + std::to_string(status) + ")",
                   std::nullopt};
  }
  const std::string message = hubspot_message(response.body);
  std::string error = "hubspot: " + step + ": ";
  if (status == 429) {
    error += "rate limited (429)";
  } else {
    error += "HTTP " + std::to_string(status);
    if (status >= 300 && status <= 399) error += " (redirects are not followed)";
  }
  if (!message.empty()) error += ": " + message;
  return Outcome{base.kind, redact(std::move(error)), base.retry_after_ms};
}

Api::Answer Api::call(CallContext& ctx, const std::string& step, const std::string& method,
                      const std::string& path, const std::string& body, bool search) {
  Answer answer;
  if (auto stopped = ctx.stop.reason()) {
    answer.outcome = *stopped;
    return answer;
  }
  if (Clock::now() >= ctx.deadline) {
    answer.outcome = retryable("hubspot: " + step + ": not attempted, the batch's time budget is used up");
    return answer;
  }
  if (search && !search_limiter_.acquire(std::min(ctx.deadline, Clock::now() + timeout_))) {
    answer.outcome = retryable("hubspot: " + step +
                               ": not attempted, no search slot (HubSpot allows 4 searches/s) in time");
    return answer;
  }
  if (!request_limiter_.acquire(std::min(ctx.deadline, Clock::now() + timeout_))) {
    answer.outcome = retryable("hubspot: " + step +
                               ": not attempted, no request slot under the handler's rate limit in time");
    return answer;
  }
  // The wait for a slot may have outlasted a 401 or 429 of another lead group.
  if (auto stopped = ctx.stop.reason()) {
    answer.outcome = *stopped;
    return answer;
  }
  outbound::HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  request.body = body;
  request.timeout = timeout_;
  request.connect_timeout = std::min(timeout_, request.connect_timeout);
  request.headers = {{"Authorization", "Bearer " + token_},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  answer.response = ctx.client.perform(request);
  answer.sent = true;
  answer.outcome = outcome_of_answer(answer.response, step);
  const long status = answer.response.status;
  if (status == 401 || status == 403) {
    ctx.stop.stop(answer.outcome);
  } else if (status == 429) {
    ctx.stop.stop(Outcome{OutcomeKind::retryable,
                          "hubspot: not attempted, HubSpot answered 429 (rate limited) to an "
                          "earlier call of this batch",
                          answer.outcome.retry_after_ms});
  }
  return answer;
}

namespace {

bool maybe_applied(const outbound::HttpResponse& r, bool sent) {
  return sent && (r.timed_out || !r.error.empty() || r.status == 0 || r.status >= 500);
}

json search_request(const std::string& property, const std::string& op, const std::string& value,
                    std::vector<std::string> properties) {
  return json{{"filterGroups",
               json::array({json{{"filters", json::array({json{{"propertyName", property},
                                                                 {"operator", op},
                                                                 {"value", value}}})}}})},
              {"properties", std::move(properties)},
              {"limit", 1}};
}

}  // namespace

ApiResult Api::search_one(CallContext& ctx, const std::string& step, const std::string& path,
                          const std::string& request, const std::string& property,
                          const std::string& must_contain) {
  ApiResult result;
  auto answer = call(ctx, step, "POST", path, request, true);
  result.outcome = answer.outcome;
  if (!result.ok()) return result;
  auto body = json::parse(answer.response.body, nullptr, false);
  auto results = body.is_object() ? body.find("results") : body.end();
  if (!body.is_object() || results == body.end() || !results->is_array()) {
    result.outcome = retryable("hubspot: " + step + ": unexpected answer (no \"results\")");
    return result;
  }
  for (const auto& object : *results) {
    if (!must_contain.empty()) {
      // Search matches tokens; make sure it is really the marker before trusting it.
      const auto props = object.find("properties");
      if (props == object.end() || !props->is_object()) continue;
      const auto value = props->find(property);
      if (value == props->end() || !value->is_string() ||
          value->get_ref<const std::string&>().find(must_contain) == std::string::npos) {
        continue;
      }
    }
    if (auto id = id_of(object)) {
      result.id = std::move(id);
      break;
    }
  }
  return result;
}

ApiResult Api::search_contact(CallContext& ctx, const std::string& email) {
  return search_one(ctx, "search contact", "/crm/v3/objects/contacts/search",
                    dump(search_request("email", "EQ", email, {"email"})), "", "");
}

ApiResult Api::find_note(CallContext& ctx, const std::string& marker) {
  return search_one(ctx, "search notes", "/crm/v3/objects/notes/search",
                    dump(search_request("hs_note_body", "CONTAINS_TOKEN", marker, {"hs_note_body"})),
                    "hs_note_body", marker);
}

ApiResult Api::create_contact(CallContext& ctx, const Properties& properties) {
  ApiResult result;
  auto answer = call(ctx, "create contact", "POST", "/crm/v3/objects/contacts",
                     dump(json{{"properties", properties}}), false);
  result.outcome = answer.outcome;
  result.maybe_applied = !result.ok() && maybe_applied(answer.response, answer.sent);
  if (answer.response.status == 409) {
    result.conflict = true;
    auto body = json::parse(answer.response.body, nullptr, false);
    if (body.is_object() && body.contains("message") && body["message"].is_string()) {
      result.existing_id = existing_id_of(body["message"].get<std::string>());
    }
    return result;
  }
  if (!result.ok()) return result;
  result.id = id_of(json::parse(answer.response.body, nullptr, false));
  if (!result.id) {
    result.outcome = retryable("hubspot: create contact: unexpected answer (no id)");
    result.maybe_applied = true;
  }
  return result;
}

ApiResult Api::update_contact(CallContext& ctx, const std::string& contact_id,
                              const Properties& properties) {
  ApiResult result;
  // Ids are digits; anything else would change the path, so it is refused rather than sent.
  if (contact_id.empty() || !std::all_of(contact_id.begin(), contact_id.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    result.outcome = Outcome{OutcomeKind::permanent,
                             "hubspot: update contact: unexpected contact id from HubSpot", std::nullopt};
    return result;
  }
  auto answer = call(ctx, "update contact", "PATCH", "/crm/v3/objects/contacts/" + contact_id,
                     dump(json{{"properties", properties}}), false);
  result.outcome = answer.outcome;
  result.maybe_applied = !result.ok() && maybe_applied(answer.response, answer.sent);
  if (result.ok()) result.id = contact_id;
  return result;
}

ApiResult Api::create_note(CallContext& ctx, const std::string& contact_id, const std::string& body,
                           const std::string& timestamp) {
  ApiResult result;
  const json request = {
      {"properties", {{"hs_timestamp", timestamp}, {"hs_note_body", body}}},
      {"associations",
       json::array({json{{"to", {{"id", contact_id}}},
                         {"types", json::array({json{{"associationCategory", "HUBSPOT_DEFINED"},
                                                     {"associationTypeId", 202}}})}}})}};
  auto answer = call(ctx, "create note", "POST", "/crm/v3/objects/notes", dump(request), false);
  result.outcome = answer.outcome;
  result.maybe_applied = !result.ok() && maybe_applied(answer.response, answer.sent);
  if (!result.ok()) return result;
  result.id = id_of(json::parse(answer.response.body, nullptr, false));
  if (!result.id) {
    result.outcome = retryable("hubspot: create note: unexpected answer (no id)");
    result.maybe_applied = true;
  }
  return result;
}

}  // namespace slwd::handlers::hubspot
