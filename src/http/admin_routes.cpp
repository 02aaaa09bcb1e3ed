#include <nlohmann/json.hpp>

#include "slwd/http/admin.hpp"
#include "slwd/http/receiver.hpp"
#include "slwd/security/signature.hpp"
#include "slwd/store/json.hpp"
#include "slwd/store/store.hpp"

namespace slwd::http {
namespace {

Response json(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

bool authorized(const AdminContext& context, const AdminRequest& request) {
  std::string token = context.token ? context.token() : std::string();
  if (token.empty()) return true;
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view auth = request.authorization;
  if (!auth.starts_with(kBearer)) return false;
  return security::constant_time_equals(auth.substr(kBearer.size()), token);
}

Response replay(const AdminContext& context, const AdminRequest& request) {
  store::Selection selection;
  try {
    auto body = nlohmann::json::parse(request.body);
    if (!body.is_object()) throw std::invalid_argument("not an object");
    selection.all = body.value("all", false);
    if (body.contains("ids")) {
      for (const auto& id : body.at("ids")) {
        selection.ids.push_back(id.is_string() ? id.get<std::string>() : id.dump());
      }
    }
    if (body.contains("handler") && body.at("handler").is_string()) {
      selection.handler = body.at("handler").get<std::string>();
    }
  } catch (const std::exception&) {
    return json(400, R"({"error":"expected {\"all\":true} or {\"ids\":[...]}"})");
  }
  if (!selection.all && selection.ids.empty()) {
    return json(400, R"({"error":"expected {\"all\":true} or {\"ids\":[...]}"})");
  }
  try {
    auto n = context.store->replay(selection);
    return json(200, "{\"replayed\":" + std::to_string(n) + "}");
  } catch (const std::exception&) {
    return responses::unavailable();
  }
}

}  // namespace

Response handle_admin(const AdminContext& context, const AdminRequest& request) {
  auto path = target_path(request.target);
  bool get = request.method == "GET";
  if (path == "/healthz") {
    return get ? json(200, R"({"status":"ok"})") : responses::method_not_allowed();
  }
  if (path == "/readyz") {
    if (!get) return responses::method_not_allowed();
    bool ready = !(context.shutting_down && context.shutting_down->load()) &&
                 context.store && context.store->ready();
    return ready ? json(200, R"({"status":"ready"})") : json(503, R"({"status":"not ready"})");
  }
  if (path != "/metrics" && path != "/dlq" && path != "/dlq/replay") return responses::not_found();
  if (!authorized(context, request)) {
    Response r = json(401, R"({"error":"unauthorized"})");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (path == "/metrics") {
    if (!get) return responses::method_not_allowed();
    Response r;
    r.body = context.metrics_text ? context.metrics_text() : std::string();
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4");
    return r;
  }
  if (path == "/dlq") {
    if (!get) return responses::method_not_allowed();
    try {
      return json(200, store::dead_letters_json(context.store->list_dead(std::nullopt)));
    } catch (const std::exception&) {
      return responses::unavailable();
    }
  }
  if (request.method != "POST") {
    Response r = responses::method_not_allowed();
    return r;
  }
  return replay(context, request);
}

}  // namespace slwd::http
