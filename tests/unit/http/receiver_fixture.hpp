#pragma once
// Shared helpers for the Receiver tests: a small config and requests built in code.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <variant>

#include "slwd/http/receiver.hpp"
#include "slwd/security/signature.hpp"

namespace slwd::http::test {

inline constexpr const char* kPath = "/webhooks/smartlead";
inline constexpr const char* kSecret = "s3cret-current";
inline constexpr const char* kReply = R"({"event_type":"EMAIL_REPLY","campaign_id":123})";

inline config::HandlerConfig handler(
    std::string name, std::optional<std::vector<std::string>> events = std::nullopt) {
  config::HandlerConfig h;
  h.name = std::move(name);
  h.type = "log";
  h.events = std::move(events);
  return h;
}

inline std::shared_ptr<config::Config> base_config() {
  auto c = std::make_shared<config::Config>();
  c->source = "<test>";
  c->server.max_body = 1024;
  config::EndpointConfig e;
  e.path = kPath;
  e.secrets = {kSecret};
  c->endpoints.push_back(e);
  c->handlers.push_back(handler("log"));
  return c;
}

inline RequestHead post(std::string body_for_length, std::optional<std::string> signature,
                        std::string target = kPath) {
  RequestHead h;
  h.method = "POST";
  h.target = std::move(target);
  h.content_length = body_for_length.size();
  h.signature = std::move(signature);
  return h;
}

inline RequestHead signed_post(std::string_view body, std::string target = kPath) {
  return post(std::string(body), security::signature_header(kSecret, body), std::move(target));
}

inline const Response& as_response(const Decision& d) {
  const auto* r = std::get_if<Response>(&d);
  if (r == nullptr) ADD_FAILURE() << "expected a Response, got variant index " << d.index();
  static const Response none{0, "", {}, false};
  return r ? *r : none;
}

inline unsigned status_of(const Decision& d) {
  if (const auto* r = std::get_if<Response>(&d)) return r->status;
  if (std::holds_alternative<Accept>(d)) return 200;
  return std::get<Quarantine>(d).response.status;
}

}  // namespace slwd::http::test
