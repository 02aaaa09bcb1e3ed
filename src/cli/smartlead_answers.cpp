#include "smartlead_answers.hpp"

#include <charconv>

namespace slwd::cli {
namespace {

std::string string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return {};
  return scalar_text(object[key]);
}

}  // namespace

const nlohmann::json& unwrap_data(const nlohmann::json& answer) {
  if (answer.is_object() && answer.contains("data") &&
      (answer["data"].is_object() || answer["data"].is_array())) {
    return answer["data"];
  }
  return answer;
}

std::vector<nlohmann::json> webhook_list(const nlohmann::json& answer) {
  const nlohmann::json* list = &unwrap_data(answer);
  if (list->is_object() && list->contains("webhooks")) list = &(*list)["webhooks"];
  std::vector<nlohmann::json> out;
  if (list->is_array()) {
    for (const auto& item : *list) {
      if (item.is_object()) out.push_back(item);
    }
  }
  return out;
}

std::string scalar_text(const nlohmann::json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::optional<std::int64_t> json_id(const nlohmann::json& value) {
  if (value.is_number_integer()) return value.get<std::int64_t>();
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return id;
  }
  return std::nullopt;
}

std::optional<std::int64_t> webhook_id(const nlohmann::json& webhook_or_answer) {
  if (!webhook_or_answer.is_object()) return std::nullopt;
  if (webhook_or_answer.contains("id")) {
    if (auto id = json_id(webhook_or_answer["id"])) return id;
  }
  const auto& data = unwrap_data(webhook_or_answer);
  if (&data != &webhook_or_answer && data.is_object() && data.contains("id")) {
    return json_id(data["id"]);
  }
  return std::nullopt;
}

std::string webhook_name(const nlohmann::json& webhook) { return string_field(webhook, "name"); }
std::string webhook_url(const nlohmann::json& webhook) {
  return string_field(webhook, "webhook_url");
}

std::vector<std::string> webhook_events(const nlohmann::json& webhook) {
  std::vector<std::string> events;
  if (!webhook.is_object()) return events;
  if (webhook.contains("event_types") && webhook["event_types"].is_array()) {
    for (const auto& e : webhook["event_types"]) {
      if (e.is_string()) events.push_back(e.get<std::string>());
    }
  } else if (webhook.contains("event_type_map") && webhook["event_type_map"].is_object()) {
    for (const auto& [name, on] : webhook["event_type_map"].items()) {
      if (on.is_boolean() && on.get<bool>()) events.push_back(name);
    }
  }
  return events;
}

std::optional<std::vector<std::int64_t>> webhook_categories(const nlohmann::json& webhook) {
  if (!webhook.is_object()) return std::nullopt;
  std::vector<std::int64_t> ids;
  if (webhook.contains("categories") && webhook["categories"].is_array()) {
    for (const auto& c : webhook["categories"]) {
      auto id = c.is_object() && c.contains("id") ? json_id(c["id"]) : json_id(c);
      if (id) ids.push_back(*id);
    }
    return ids;
  }
  if (webhook.contains("category_id_map") && webhook["category_id_map"].is_object()) {
    for (const auto& [key, on] : webhook["category_id_map"].items()) {
      auto id = json_id(nlohmann::json(key));
      if (id && on.is_boolean() && on.get<bool>()) ids.push_back(*id);
    }
    return ids;
  }
  return std::nullopt;
}

}  // namespace slwd::cli
