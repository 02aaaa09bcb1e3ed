#include "support/fake_slack.hpp"

namespace slwd::test {
namespace {

using nlohmann::json;

constexpr std::string_view kPath = "/services/T0FAKE/B0FAKE/";

Reply error_reply(int status, std::string code) {
  Reply r;
  r.status = status;
  r.headers = {{"Content-Type", "text/plain"}};
  r.body = std::move(code);
  return r;
}

// Characters as Slack documents its limits (code points).
std::size_t characters(const std::string& utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

// A text object with non-empty text within `max` characters.
bool text_ok(const json& object, std::size_t max, bool plain_only = false) {
  if (!object.is_object() || !object.contains("text") || !object["text"].is_string()) return false;
  const std::string type = object.value("type", "");
  if (type != "plain_text" && (plain_only || type != "mrkdwn")) return false;
  const auto& text = object["text"].get_ref<const std::string&>();
  return !text.empty() && characters(text) <= max;
}

bool block_ok(const json& block) {
  if (!block.is_object()) return false;
  const std::string type = block.value("type", "");
  if (type == "header") return block.contains("text") && text_ok(block["text"], 150, true);
  if (type == "section") {
    const bool has_text = block.contains("text");
    const bool has_fields = block.contains("fields");
    if (!has_text && !has_fields) return false;
    if (has_text && !text_ok(block["text"], 3000)) return false;
    if (has_fields) {
      const json& fields = block["fields"];
      if (!fields.is_array() || fields.empty() || fields.size() > 10) return false;
      for (const auto& f : fields) {
        if (!text_ok(f, 2000)) return false;
      }
    }
    return true;
  }
  if (type == "context") {
    if (!block.contains("elements") || !block["elements"].is_array()) return false;
    const json& elements = block["elements"];
    if (elements.empty() || elements.size() > 10) return false;
    for (const auto& e : elements) {
      if (!text_ok(e, 3000)) return false;
    }
    return true;
  }
  return type == "divider";
}

}  // namespace

FakeSlack::FakeSlack() {
  server_.set_script([this](const RecordedRequest& request, std::size_t) { return answer(request); });
}

std::string FakeSlack::webhook_url() const {
  return server_.url(std::string(kPath) + std::string(kToken));
}

void FakeSlack::answer_next(Reply reply) {
  std::lock_guard lock(mutex_);
  scripted_.push_back(std::move(reply));
}

Reply FakeSlack::ok() {
  return error_reply(200, "ok");
}
Reply FakeSlack::rate_limited(int retry_after_seconds) {
  Reply r = error_reply(429, "rate_limited");
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return r;
}
Reply FakeSlack::server_error() {
  return error_reply(500, "internal_error");
}
Reply FakeSlack::invalid_payload() {
  return error_reply(400, "invalid_payload");
}
Reply FakeSlack::no_service() {
  return error_reply(404, "no_service");
}
Reply FakeSlack::channel_is_archived() {
  return error_reply(410, "channel_is_archived");
}
Reply FakeSlack::invalid_blocks() {
  return error_reply(400, "invalid_blocks");
}

std::string FakeSlack::problem_with(const std::string& body) {
  json payload = json::parse(body, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return "invalid_payload";
  const bool has_text = payload.contains("text") && payload["text"].is_string() &&
                        !payload["text"].get_ref<const std::string&>().empty();
  if (!has_text && !payload.contains("blocks")) return "no_text";
  if (payload.contains("blocks")) {
    const json& blocks = payload["blocks"];
    if (!blocks.is_array() || blocks.size() > 50) return "invalid_blocks";
    for (const auto& block : blocks) {
      if (!block_ok(block)) return "invalid_blocks";
    }
  }
  return "";
}

Reply FakeSlack::answer(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  if (!scripted_.empty()) {
    Reply r = std::move(scripted_.front());
    scripted_.pop_front();
    return r;
  }
  if (request.method != "POST" || request.target != std::string(kPath) + std::string(kToken))
    return no_service();
  if (auto problem = problem_with(request.body); !problem.empty()) return error_reply(400, problem);
  accepted_.push_back(json::parse(request.body));
  return ok();
}

std::vector<json> FakeSlack::messages() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

std::vector<RecordedRequest> FakeSlack::requests() const {
  return server_.requests();
}

std::size_t FakeSlack::count() const {
  return server_.count();
}

}  // namespace slwd::test
