// SPEC §4 rows 3-7 and the delivery id rules, as a pure function of config, request and clock.
#include "slwd/http/receiver.hpp"

#include <nlohmann/json.hpp>

#include "slwd/delivery/routing.hpp"
#include "slwd/events/event.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::http {
namespace {

constexpr std::size_t kMaxRequestIdBytes = 128;

bool usable_request_id(std::string_view id) {
  if (id.size() > kMaxRequestIdBytes) return false;
  for (unsigned char c : id) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

// `body_hash` is only called when the body's hash is the id, so a caller that already has it
// (decide) does not hash the body twice.
template <class BodyHash>
std::string delivery_id_with(const std::optional<std::string>& request_id, BodyHash&& body_hash) {
  if (!request_id || request_id->empty()) return "sha256:" + body_hash();
  // An unusable id is still the sender's id: hashing it keeps retries of one delivery together.
  if (!usable_request_id(*request_id)) return "sha256:" + security::sha256_hex(*request_id);
  return *request_id;
}

const config::EndpointConfig* find_endpoint(const config::Config& config, std::string_view path) {
  for (const auto& endpoint : config.endpoints) {
    if (endpoint.path == path) return &endpoint;
  }
  return nullptr;
}

std::string ascii_lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

// Finds the top-level "secret_key" string without building a document. Used only when the
// event parser refused the body (e.g. no event type): the body may still be authentic, and
// then it belongs in the quarantine (400), not in the 401 pile.
class SecretKeyScan : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::optional<std::string> secret_key;
  bool object_at_top = false;

  bool null() override { return scalar(); }
  bool boolean(bool) override { return scalar(); }
  bool number_integer(number_integer_t) override { return scalar(); }
  bool number_unsigned(number_unsigned_t) override { return scalar(); }
  bool number_float(number_float_t, const string_t&) override { return scalar(); }
  bool binary(binary_t&) override { return scalar(); }
  bool string(string_t& value) override {
    if (depth_ == 1 && expecting_key_value_) secret_key = std::move(value);
    return scalar();
  }
  bool start_object(std::size_t) override {
    if (depth_ == 0) object_at_top = true;
    return open();
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& name) override {
    if (depth_ == 1) {
      expecting_key_value_ = name == "secret_key";
      // Duplicate keys: the last one wins (SPEC §4 row 7), also when it is not a string.
      if (expecting_key_value_) secret_key.reset();
    }
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool scalar() {
    if (depth_ == 1) expecting_key_value_ = false;
    return true;
  }
  bool open() {
    if (depth_ == 1) expecting_key_value_ = false;
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    return true;
  }

  std::size_t depth_ = 0;
  bool expecting_key_value_ = false;
};

std::optional<std::string> top_level_secret_key(std::string_view body) {
  SecretKeyScan scan;
  // strict: trailing data is an error, as in the event parser.
  if (!nlohmann::json::sax_parse(body.begin(), body.end(), &scan,
                                 nlohmann::json::input_format_t::json, true) ||
      !scan.object_at_top) {
    return std::nullopt;
  }
  return std::move(scan.secret_key);
}

bool matches_any_secret(std::string_view key, const std::vector<std::string>& secrets) {
  bool matched = false;
  for (const auto& secret : secrets) {
    // No early exit, so timing does not tell which secret (or whether any) matched; an empty
    // secret never authenticates an empty secret_key.
    if (!secret.empty() && security::constant_time_equals(key, secret)) matched = true;
  }
  return matched;
}

// Row 6. May fill `parsed` (the body-key path needs the body), so that row 7 reuses the parse.
// Ingest reads only Common (routing, the body's secret_key): handlers parse the typed detail
// themselves when they deliver.
bool authentic(const config::EndpointConfig& endpoint, const RequestHead& head,
               std::string_view body, std::optional<events::ParseResult>& parsed) {
  // A header that is present is the whole story, even when empty or wrong: a body key cannot
  // rescue a bad signature.
  if (head.signature) return security::signature_matches(*head.signature, body, endpoint.secrets);
  if (!endpoint.accept_body_secret_key) return false;
  parsed = events::parse_event(body, events::Extraction::common_only);
  if (parsed->event) {
    const auto& key = parsed->event->common.secret_key;
    return key && matches_any_secret(*key, endpoint.secrets);
  }
  const auto key = top_level_secret_key(body);
  return key && matches_any_secret(*key, endpoint.secrets);
}

}  // namespace

std::string delivery_id_for(const std::optional<std::string>& request_id, std::string_view body) {
  return delivery_id_with(request_id, [&] { return security::sha256_hex(body); });
}

std::string_view target_path(std::string_view target) {
  if (!target.empty() && target.front() != '/') {
    // absolute-form "http://host/path?q" (RFC 9112 §3.2.2), which a server must accept.
    const std::size_t scheme = target.find("://");
    if (scheme != std::string_view::npos) {
      const std::size_t path = target.find_first_of("/?", scheme + 3);
      if (path == std::string_view::npos || target[path] == '?') return "/";
      target.remove_prefix(path);
    }
  }
  return target.substr(0, target.find('?'));
}

Receiver::Receiver(std::shared_ptr<const config::Config> config)
    : config_(std::move(config)), proxies_(config_->server.trusted_proxies) {}

std::optional<Response> Receiver::check_head(const RequestHead& head) const {
  if (!find_endpoint(*config_, target_path(head.target))) return responses::not_found();
  if (head.method != "POST") return responses::method_not_allowed();
  if (head.content_length && *head.content_length > config_->server.max_body) {
    return responses::payload_too_large();
  }
  return std::nullopt;
}

Decision Receiver::decide(const RequestHead& head, std::string body, std::int64_t now_ms) const {
  // Rows 3-5 again, so that decide() alone is the whole contract (the session calls check_head
  // first to refuse before reading the body; this costs a lookup and a compare).
  const config::EndpointConfig* endpoint = find_endpoint(*config_, target_path(head.target));
  if (!endpoint) return responses::not_found();
  if (head.method != "POST") return responses::method_not_allowed();
  if (body.size() > config_->server.max_body) return responses::payload_too_large();

  std::optional<events::ParseResult> parsed;
  if (endpoint->require_signature && !authentic(*endpoint, head, body, parsed)) {
    return responses::invalid_signature();
  }
  if (!parsed) parsed = events::parse_event(body, events::Extraction::common_only);

  if (!parsed->event) {
    store::QuarantineItem item;
    item.delivery_id = delivery_id_for(head.request_id, body);
    item.endpoint = endpoint->path;
    item.reason = std::move(parsed->error);
    item.received_at_ms = now_ms;
    Response response = responses::invalid_payload(item.reason);
    item.body = std::move(body);
    return Quarantine{std::move(item), std::move(response)};
  }

  const events::Common& common = parsed->event->common;
  store::Delivery accepted;
  // The body hash costs a pass over the body: only when it is the id or a dedupe key.
  accepted.delivery_id = delivery_id_with(head.request_id, [&] {
    return accepted.body_sha256 = security::sha256_hex(body);
  });
  if (config_->store.dedupe_body && accepted.body_sha256.empty()) {
    accepted.body_sha256 = security::sha256_hex(body);
  }
  accepted.endpoint = endpoint->path;
  if (head.level) accepted.level = ascii_lowercase(*head.level);
  accepted.event_type = common.event_type;
  accepted.received_at_ms = now_ms;
  accepted.handlers = delivery::route(*config_, *endpoint, common, accepted.level);
  accepted.body = std::move(body);
  return Accept{std::move(accepted)};
}

}  // namespace slwd::http
