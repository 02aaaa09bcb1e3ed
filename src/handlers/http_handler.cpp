#include "http_handler.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string_view>

#include "outcome_of.hpp"
#include "slwd/ops/log.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::handlers {
namespace {

constexpr std::array<std::string_view, 7> kReserved = {
    "content-type",      "content-length",  "transfer-encoding",    "x-request-id",
    "x-smartlead-event", "x-webhook-level", "x-smartlead-signature"};

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_token_char(unsigned char c) {
  return std::isalnum(c) ||
         std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Event types and levels come from the sender: a control character in one must not split or
// end the header, so it becomes a space.
std::string header_safe(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size())) {
    text.replace(at, what.size(), with);
  }
}

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

HttpHandler::HttpHandler(const config::HandlerConfig& config, std::chrono::milliseconds timeout)
    : name_(config.name), url_(config.url), secret_(config.secret), timeout_(timeout) {
  if (url_.empty()) throw std::invalid_argument("url is required");
  for (const auto& [name, value] : config.headers) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) {
          return is_token_char(static_cast<unsigned char>(c));
        })) {
      throw std::invalid_argument("headers: \"" + name + "\" is not a valid header name");
    }
    // The value itself is not echoed: it may hold a token.
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      throw std::invalid_argument("headers: the value of \"" + name +
                                  "\" contains a line break or NUL");
    }
    if (std::find(kReserved.begin(), kReserved.end(), lowercase(name)) != kReserved.end()) {
      ops::log(ops::Level::warn, "extra header ignored: the handler sets it itself",
               {{"handler", name_}, {"header", name}});
      continue;
    }
    extra_headers_.emplace_back(name, value);
    // Long values are likely tokens (Authorization, API keys): keep them out of error texts.
    if (value.size() >= 8) sensitive_.push_back(value);
  }
  if (!secret_.empty()) sensitive_.push_back(secret_);
}

void HttpHandler::redact(std::string& text, const outbound::HttpRequest& request) const {
  if (text.empty()) return;
  // A receiver may echo what it got into its error body.
  for (const auto& [name, value] : request.headers) {
    if (name == "X-Smartlead-Signature") {
      replace_all(text, value, "[redacted]");
      replace_all(text, std::string_view(value).substr(7), "[redacted]");  // the bare digest
    }
  }
  for (const auto& value : sensitive_) replace_all(text, value, "[redacted]");
}

outbound::HttpRequest HttpHandler::build_request(const store::WorkItem& item) const {
  outbound::HttpRequest request;
  request.method = "POST";
  request.url = url_;
  request.body = item.body;
  request.timeout = timeout_;
  request.connect_timeout = std::min(timeout_, request.connect_timeout);
  auto& h = request.headers;
  h.reserve(5 + extra_headers_.size());
  h.emplace_back("Content-Type", "application/json");
  h.emplace_back("X-Request-Id", header_safe(item.delivery_id));
  h.emplace_back("X-Smartlead-Event", header_safe(item.event_type));
  if (!item.level.empty()) h.emplace_back("X-Webhook-Level", header_safe(item.level));
  if (!secret_.empty()) {
    h.emplace_back("X-Smartlead-Signature", security::signature_header(secret_, item.body));
  }
  h.insert(h.end(), extra_headers_.begin(), extra_headers_.end());
  return request;
}

void HttpHandler::deliver(const std::vector<store::WorkItem>& items,
                          std::vector<Outcome>& outcomes) {
  std::vector<outbound::HttpRequest> requests;
  requests.reserve(items.size());
  for (const auto& item : items) requests.push_back(build_request(item));
  auto responses = client_.perform_all(requests, kParallel);
  const std::int64_t now_ms = system_now_ms();
  for (std::size_t i = 0; i < items.size(); ++i) {
    redact(responses[i].body, requests[i]);  // before a snippet of it becomes the error text
    outcomes[i] = outcome_of(responses[i], timeout_, now_ms);
  }
}

}  // namespace slwd::handlers
