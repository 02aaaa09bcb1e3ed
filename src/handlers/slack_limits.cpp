#include "slack_limits.hpp"

#include <string>

#include "slack_text.hpp"

namespace slwd::handlers::slack {
namespace {

using nlohmann::json;

// Truncates a text object's "text"; false when it has no text left (or none at all).
bool fit_text_object(json& object, std::size_t max_units) {
  if (!object.is_object()) return false;
  auto text = object.find("text");
  if (text == object.end() || !text->is_string()) return false;
  const bool mrkdwn = object.value("type", "") == "mrkdwn";
  *text = truncate_text(text->get_ref<const std::string&>(), max_units, mrkdwn);
  // Slack refuses empty text objects; whitespace alone is no better.
  return !trim(text->get_ref<const std::string&>()).empty();
}

// False when the block should be dropped.
bool fit_block(json& block) {
  if (!block.is_object()) return false;
  const std::string type = block.value("type", "");
  if (type == "header") {
    auto text = block.find("text");
    return text != block.end() && fit_text_object(*text, kMaxHeaderText);
  }
  if (type == "section") {
    bool has_content = false;
    if (auto text = block.find("text"); text != block.end()) {
      if (fit_text_object(*text, kMaxSectionText))
        has_content = true;
      else
        block.erase("text");
    }
    if (auto fields = block.find("fields"); fields != block.end()) {
      json kept = json::array();
      if (fields->is_array()) {
        for (auto& field : *fields) {
          if (kept.size() == kMaxSectionFields) break;
          if (fit_text_object(field, kMaxFieldText)) kept.push_back(std::move(field));
        }
      }
      if (kept.empty()) {
        block.erase("fields");
      } else {
        *fields = std::move(kept);
        has_content = true;
      }
    }
    return has_content;
  }
  if (type == "context") {
    auto elements = block.find("elements");
    if (elements == block.end() || !elements->is_array()) return false;
    json kept = json::array();
    for (auto& element : *elements) {
      if (kept.size() == kMaxContextElements) break;
      if (fit_text_object(element, kMaxContextText)) kept.push_back(std::move(element));
    }
    *elements = std::move(kept);
    return !elements->empty();
  }
  return true;  // divider and the like: nothing to fit
}

json ellipsis_block() {
  return json{{"type", "context"},
              {"elements", json::array({json{{"type", "mrkdwn"}, {"text", kEllipsis}}})}};
}

}  // namespace

void fit_to_limits(json& payload) {
  if (!payload.is_object()) payload = json::object();
  if (auto blocks = payload.find("blocks"); blocks != payload.end()) {
    json kept = json::array();
    if (blocks->is_array()) {
      for (auto& block : *blocks) {
        if (fit_block(block)) kept.push_back(std::move(block));
      }
    }
    // Over the limit: the last place says that more was left out instead of showing block 50.
    if (kept.size() > kMaxBlocks) {
      kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(kMaxBlocks - 1), kept.end());
      kept.push_back(ellipsis_block());
    }
    if (kept.empty())
      payload.erase("blocks");
    else
      *blocks = std::move(kept);
  }
  std::string text;
  if (auto it = payload.find("text"); it != payload.end() && it->is_string()) text = *it;
  text = truncate_text(text, kMaxFallbackText, true);
  if (trim(text).empty()) text = "SmartLead event";
  payload["text"] = text;
}

}  // namespace slwd::handlers::slack
