#include "support/fake_smartlead.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace slwd::test {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (!query.empty() && start <= query.size()) {
    auto end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    auto item = query.substr(start, end - start);
    auto eq = item.find('=');
    if (!item.empty()) {
      out[url_decode(item.substr(0, eq))] =
          eq == std::string::npos ? std::string() : url_decode(item.substr(eq + 1));
    }
    start = end + 1;
  }
  return out;
}

Reply json_reply(int status, const nlohmann::json& body) {
  Reply r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = body.dump();
  return r;
}

Reply error_reply(int status, const std::string& error) {
  return json_reply(status, nlohmann::json{{"error", error}});
}

std::optional<std::int64_t> as_id(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

// SmartLead's 11 canonical types: the fake refuses anything else, as the real API would.
bool known_type(const std::string& t) {
  static const std::vector<std::string> known{
      "EMAIL_SENT",         "FIRST_EMAIL_SENT",   "EMAIL_OPEN",
      "EMAIL_LINK_CLICK",   "EMAIL_REPLY",        "EMAIL_BOUNCE",
      "LEAD_UNSUBSCRIBED",  "LEAD_CATEGORY_UPDATED", "CAMPAIGN_STATUS_CHANGED",
      "UNTRACKED_REPLIES",  "MANUAL_STEP_REACHED"};
  return std::find(known.begin(), known.end(), t) != known.end();
}

}  // namespace

SmartleadFailure SmartleadFailure::unauthorized() {
  return {401, R"({"message":"Invalid API Key"})", {{"Content-Type", "application/json"}}};
}
SmartleadFailure SmartleadFailure::unprocessable(const std::string& error) {
  return {422, nlohmann::json{{"error", error}}.dump(), {{"Content-Type", "application/json"}}};
}
SmartleadFailure SmartleadFailure::bad_request(const std::string& message) {
  return {400, nlohmann::json{{"message", message}}.dump(), {{"Content-Type", "application/json"}}};
}
SmartleadFailure SmartleadFailure::too_many(int retry_after_seconds) {
  return {429,
          R"({"message":"Too many requests"})",
          {{"Content-Type", "application/json"}, {"Retry-After", std::to_string(retry_after_seconds)}}};
}
SmartleadFailure SmartleadFailure::server_error(int status) {
  return {status, R"({"error":"Internal server error"})", {{"Content-Type", "application/json"}}};
}

FakeSmartlead::FakeSmartlead(std::string api_key)
    : api_key_(std::move(api_key)),
      summary_({{"total_calls", 150}, {"successful_calls", 145}, {"failed_calls", 5}}) {
  server_.set_script([this](const RecordedRequest& r, std::size_t i) { return handle(r, i); });
}

FakeSmartlead::~FakeSmartlead() = default;

std::string FakeSmartlead::base_url() const { return server_.url("/api/v1"); }

void FakeSmartlead::fail_at(std::size_t index, SmartleadFailure failure) {
  std::lock_guard lock(mutex_);
  scripted_.push_back(Scripted{index, "", "", 1, std::move(failure)});
}

void FakeSmartlead::fail_next(const std::string& method, const std::string& path,
                              SmartleadFailure failure, int times) {
  std::lock_guard lock(mutex_);
  scripted_.push_back(Scripted{std::nullopt, method, path, times, std::move(failure)});
}

void FakeSmartlead::set_bare_answers(bool bare) {
  std::lock_guard lock(mutex_);
  bare_ = bare;
}

void FakeSmartlead::set_summary(nlohmann::json summary) {
  std::lock_guard lock(mutex_);
  summary_ = std::move(summary);
}

void FakeSmartlead::set_retriggered_count(int count) {
  std::lock_guard lock(mutex_);
  retriggered_ = count;
}

std::int64_t FakeSmartlead::add_webhook(nlohmann::json webhook) {
  std::lock_guard lock(mutex_);
  const auto id = next_id_++;
  webhook["id"] = id;
  webhooks_[id] = std::move(webhook);
  return id;
}

std::vector<nlohmann::json> FakeSmartlead::webhooks() const {
  std::lock_guard lock(mutex_);
  std::vector<nlohmann::json> out;
  for (const auto& [id, w] : webhooks_) out.push_back(w);
  return out;
}

std::optional<nlohmann::json> FakeSmartlead::webhook(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = webhooks_.find(id);
  if (it == webhooks_.end()) return std::nullopt;
  return it->second;
}

std::vector<SmartleadCall> FakeSmartlead::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::size_t FakeSmartlead::count() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

std::size_t FakeSmartlead::max_in_window(std::chrono::milliseconds window) const {
  std::vector<std::chrono::steady_clock::time_point> times;
  for (const auto& c : calls()) times.push_back(c.arrived);
  std::sort(times.begin(), times.end());
  std::size_t best = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (j < i) j = i;
    while (j < times.size() && times[j] - times[i] < window) ++j;
    best = std::max(best, j - i);
  }
  return best;
}

nlohmann::json FakeSmartlead::wrap(nlohmann::json data) const {
  if (bare_) return data;
  return {{"success", true}, {"data", std::move(data)}};
}

Reply FakeSmartlead::handle(const RecordedRequest& request, std::size_t index) {
  SmartleadCall call;
  call.method = request.method;
  auto q = request.target.find('?');
  call.path = request.target.substr(0, q);
  call.raw_query = q == std::string::npos ? std::string() : request.target.substr(q + 1);
  call.query = parse_query(call.raw_query);
  call.raw_body = request.body;
  call.content_type = request.header("content-type");
  if (!request.body.empty()) {
    call.body = nlohmann::json::parse(request.body, nullptr, false);
    if (call.body.is_discarded()) call.body = nullptr;
  }
  call.arrived = request.arrived;
  call.arrived_ms = request.arrived_ms;

  std::lock_guard lock(mutex_);
  calls_.push_back(call);

  for (auto it = scripted_.begin(); it != scripted_.end(); ++it) {
    bool match = it->index ? *it->index == index
                           : (it->method.empty() || it->method == call.method) &&
                                 (it->path.empty() || it->path == call.path);
    if (!match) continue;
    Reply reply;
    reply.status = it->failure.status;
    reply.headers = it->failure.headers;
    reply.body = it->failure.body;
    if (--it->times <= 0) scripted_.erase(it);
    return reply;
  }

  auto key = call.query.find("api_key");
  if (key == call.query.end() || key->second != api_key_) {
    return json_reply(401, nlohmann::json{{"message", "Invalid API Key"}});
  }
  return route(call);
}

// Runs under mutex_.
Reply FakeSmartlead::route(const SmartleadCall& call) {
  static const std::regex webhook_path(R"(/api/v1/webhook/(\d+))");
  static const std::regex update_path(R"(/api/v1/webhook/update/(\d+))");
  static const std::regex campaign_path(
      R"(/api/v1/campaigns/(\d+)/webhooks(/summary|/retrigger-failed-events)?)");
  std::smatch m;
  const auto& body = call.body;

  if (call.method == "POST" && call.path == "/api/v1/webhook/create") {
    if (!body.is_object()) return error_reply(400, "invalid JSON body");
    if (!body.contains("webhook_url") || !body["webhook_url"].is_string() ||
        body["webhook_url"].get<std::string>().empty()) {
      return error_reply(422, "webhook_url is required");
    }
    const auto level = body.value("association_type", nlohmann::json()).is_string()
                           ? body["association_type"].get<std::string>()
                           : std::string();
    if (level != "user" && level != "client" && level != "campaign") {
      return error_reply(422, "association_type must be one of user, client, campaign");
    }
    nlohmann::json w{{"name", body.value("name", "")},
                     {"webhook_url", body["webhook_url"]},
                     {"association_type", level},
                     {"email_campaign_id", nullptr},
                     {"client_id", nullptr},
                     {"event_types", nlohmann::json::array()},
                     {"categories", nlohmann::json::array()},
                     {"is_active", true}};
    if (level == "campaign") {
      auto id = body.contains("email_campaign_id") ? as_id(body["email_campaign_id"]) : std::nullopt;
      if (!id) return error_reply(422, "email_campaign_id is required for campaign webhooks");
      w["email_campaign_id"] = *id;
    }
    if (level == "client") {
      auto id = body.contains("client_id") ? as_id(body["client_id"]) : std::nullopt;
      if (!id) return error_reply(422, "client_id is required for client webhooks");
      w["client_id"] = *id;
    }
    if (!body.contains("event_type_map") || !body["event_type_map"].is_object() ||
        body["event_type_map"].empty()) {
      return error_reply(422, "event_type_map is required");
    }
    for (const auto& [type, on] : body["event_type_map"].items()) {
      if (!known_type(type)) return error_reply(422, "unknown event type " + type);
      if (on == true) w["event_types"].push_back(type);
    }
    if (body.contains("category_id_map")) {
      if (!body["category_id_map"].is_object()) return error_reply(422, "category_id_map must be an object");
      for (const auto& [id, on] : body["category_id_map"].items()) {
        if (on == true) w["categories"].push_back(std::stoll(id));
      }
    }
    const auto id = next_id_++;
    w["id"] = id;
    webhooks_[id] = w;
    return json_reply(200, {{"ok", true}, {"id", id}, {"webhook_url", w["webhook_url"]}});
  }

  if (call.method == "PUT" && std::regex_match(call.path, m, update_path)) {
    auto it = webhooks_.find(std::stoll(m[1]));
    if (it == webhooks_.end()) return error_reply(404, "Resource not found");
    if (!body.is_object()) return error_reply(400, "invalid JSON body");
    auto& w = it->second;
    for (const char* key : {"name", "webhook_url"}) {
      if (body.contains(key)) {
        if (!body[key].is_string()) return error_reply(422, std::string(key) + " must be a string");
        w[key] = body[key];
      }
    }
    if (body.contains("event_types")) {
      if (!body["event_types"].is_array()) return error_reply(422, "event_types must be an array");
      for (const auto& t : body["event_types"]) {
        if (!t.is_string() || !known_type(t.get<std::string>())) {
          return error_reply(422, "unknown event type " + t.dump());
        }
      }
      w["event_types"] = body["event_types"];
    }
    if (body.contains("categories")) {
      if (!body["categories"].is_array()) return error_reply(422, "categories must be an array");
      w["categories"] = body["categories"];
    }
    return json_reply(200, wrap(w));
  }

  if (call.method == "DELETE" && call.path == "/api/v1/webhook/delete") {
    auto id = body.is_object() && body.contains("id") ? as_id(body["id"]) : std::nullopt;
    if (!id) return error_reply(422, "id is required");
    if (webhooks_.erase(*id) == 0) return error_reply(404, "Resource not found");
    return json_reply(200, {{"success", true}, {"data", nlohmann::json::object()}});
  }

  if (call.method == "GET" && std::regex_match(call.path, m, webhook_path)) {
    auto it = webhooks_.find(std::stoll(m[1]));
    if (it == webhooks_.end()) return error_reply(404, "Resource not found");
    return json_reply(200, wrap(it->second));
  }

  if (std::regex_match(call.path, m, campaign_path)) {
    const auto campaign = std::stoll(m[1]);
    const std::string tail = m[2];
    if (call.method == "GET" && tail.empty()) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& [id, w] : webhooks_) {
        if (w.value("association_type", "") == "campaign" && w["email_campaign_id"] == campaign) {
          list.push_back(w);
        }
      }
      return json_reply(200, wrap(list));
    }
    if (call.method == "GET" && tail == "/summary") {
      if (!call.query.count("fromTime") || !call.query.count("toTime")) {
        return error_reply(422, "fromTime and toTime are required");
      }
      return json_reply(200, wrap(summary_));
    }
    if (call.method == "POST" && tail == "/retrigger-failed-events") {
      if (!body.is_object() || !body.contains("fromTime") || !body.contains("toTime")) {
        return error_reply(422, "fromTime and toTime are required");
      }
      return json_reply(200, {{"success", true}, {"retriggered_count", retriggered_}});
    }
  }
  return error_reply(404, "Resource not found");
}

}  // namespace slwd::test
