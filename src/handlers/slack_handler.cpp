#include "slack_handler.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "outcome_of.hpp"
#include "slwd/ops/log.hpp"

namespace slwd::handlers {
namespace {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

SlackHandler::SlackHandler(const config::HandlerConfig& config, std::chrono::milliseconds timeout)
    : name_(config.name),
      url_(config.url),
      options_(slack::payload_options(config)),
      timeout_(timeout) {
  if (url_.empty()) throw std::invalid_argument("url is required");
  // The whole URL, its path (/services/T…/B…/token) and its last segment (the token) are
  // each enough to post into the channel.
  sensitive_.push_back(url_);
  if (auto scheme = url_.find("://"); scheme != std::string::npos) {
    if (auto path = url_.find('/', scheme + 3); path != std::string::npos && path + 1 < url_.size())
      sensitive_.push_back(url_.substr(path));
  }
  if (auto last = url_.find_last_of('/'); last != std::string::npos && url_.size() - last > 8)
    sensitive_.push_back(url_.substr(last + 1));
}

void SlackHandler::redact(std::string& text) const {
  for (const auto& value : sensitive_) replace_all(text, value, "[redacted]");
}

outbound::HttpResponse SlackHandler::post(const std::string& body) {
  outbound::HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.body = body;
  request.timeout = timeout_;
  request.connect_timeout = std::min(timeout_, request.connect_timeout);
  request.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  auto response = client_.perform(request);
  redact(response.body);  // before any of it becomes an error text
  redact(response.error);
  return response;
}

Outcome SlackHandler::outcome_from(outbound::HttpResponse response) const {
  Outcome out = outcome_of(response, timeout_, system_now_ms());
  if (response.timed_out || !response.error.empty() || response.status == 0) {
    out.error = "slack: " + out.error;
    return out;
  }
  if (out.kind == OutcomeKind::success) return out;
  // Slack answers errors as a bare code ("no_service"): the status and that code say it all.
  out.error = "slack: " + std::to_string(response.status);
  if (auto snippet = one_line_snippet(response.body); !snippet.empty()) out.error += " " + snippet;
  if (response.status >= 300 && response.status <= 399) out.error += " (redirects are not followed)";
  return out;
}

Outcome SlackHandler::send(const store::WorkItem& item) {
  const nlohmann::json payload = slack::build_payload(item, options_);
  auto response = post(slack::serialize(payload));
  if (response.status == 400 && starts_with(response.body, "invalid_blocks")) {
    // Our limits did not anticipate something Slack checks: the fallback text alone still
    // tells the channel what happened.
    ops::log(ops::Level::warn, "slack refused the blocks; sending the text alone",
             {{"handler", name_},
              {"delivery_id", item.delivery_id},
              {"error", one_line_snippet(response.body)}});
    response = post(slack::serialize(slack::text_only(payload)));
  }
  return outcome_from(std::move(response));
}

void SlackHandler::deliver(const std::vector<store::WorkItem>& items,
                           std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < items.size(); ++i) outcomes[i] = send(items[i]);
}

}  // namespace slwd::handlers
