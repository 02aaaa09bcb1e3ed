#pragma once
// Reading SmartLead's answers. The documented shapes vary between pages and generations
// (a bare object or array, or one wrapped as {"success": true, "data": ...}; event types as a
// list or as a {TYPE: true} map), so every reader here accepts each of them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace slwd::cli {

// answer["data"] when the answer wraps its payload that way, else the answer.
const nlohmann::json& unwrap_data(const nlohmann::json& answer);

// The webhooks of a list answer: a bare array, or the array under "data" or "webhooks".
std::vector<nlohmann::json> webhook_list(const nlohmann::json& answer);

// A scalar as text: strings as they are, numbers and booleans as JSON, null as "".
std::string scalar_text(const nlohmann::json& value);

// An id sent as a number or a decimal string.
std::optional<std::int64_t> json_id(const nlohmann::json& value);

// The webhook's id (also of a create answer: "id" at the top or under "data").
std::optional<std::int64_t> webhook_id(const nlohmann::json& webhook_or_answer);
std::string webhook_name(const nlohmann::json& webhook);
std::string webhook_url(const nlohmann::json& webhook);
// `event_types` (a list), else the keys of `event_type_map` whose value is true.
std::vector<std::string> webhook_events(const nlohmann::json& webhook);
// `categories` (ids or objects with "id"), else the true keys of `category_id_map`; nullopt
// when the webhook says nothing about categories.
std::optional<std::vector<std::int64_t>> webhook_categories(const nlohmann::json& webhook);

}  // namespace slwd::cli
