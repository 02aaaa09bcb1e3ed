// Fuzz target: raw bytes of one connection through what the public port's session does with
// them (src/http/session.cpp): empty lines skipped, the head found and bounded (431), framing
// checked, the head parsed by Beast, check_head, the body read by Content-Length or the chunked
// decoder, then Receiver::decide — for every pipelined request until one closes the connection.
//
// Harness convention: an X-Smartlead-Signature of exactly "{{sig}}" stands for the correct
// signature of the body, so the fuzzer can reach the accepted and quarantined paths of a signed
// endpoint without forging HMACs.
#include <algorithm>
#include <memory>
#include <string>
#include <variant>

#include "fuzz_check.hpp"
#include "http/head_reading.hpp"
#include "slwd/http/framing.hpp"
#include "slwd/http/receiver.hpp"
#include "slwd/security/signature.hpp"

namespace {

namespace http = slwd::http;
namespace config = slwd::config;

constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::size_t kMaxBody = 4096;  // small, so the fuzzer meets the 413 paths
constexpr std::int64_t kNow = 1718115831000;

std::shared_ptr<const http::Receiver> make_receiver() {
  auto cfg = std::make_shared<config::Config>();
  cfg->server.max_body = kMaxBody;
  config::EndpointConfig signed_endpoint;  // the default path, HMAC or body secret_key
  signed_endpoint.secrets = {std::string(kSecret), "second-secret"};
  signed_endpoint.accept_body_secret_key = true;
  config::EndpointConfig open_endpoint;
  open_endpoint.path = "/open";
  open_endpoint.require_signature = false;
  cfg->endpoints = {signed_endpoint, open_endpoint};
  config::HandlerConfig log;
  log.name = "log";
  log.type = "log";
  cfg->handlers = {log};
  return std::make_shared<const http::Receiver>(std::move(cfg));
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return s;
}

// The chunked decoder must not care how reads split its input: fed in `step`-byte pieces it
// ends where and as it ends when fed everything at once.
http::ChunkedDecoder::Status decode_chunked(std::string_view input, std::size_t step,
                                            std::size_t& consumed, std::string& body) {
  http::ChunkedDecoder whole(kMaxBody);
  const auto status = whole.feed(input, consumed, body);
  SLWD_FUZZ_CHECK(consumed <= input.size(), "the decoder consumes only what it was given");

  // As the session does: each time more has arrived, feed everything not consumed yet.
  http::ChunkedDecoder pieces(kMaxBody);
  std::string pieces_body;
  std::size_t at = 0;
  auto pieces_status = http::ChunkedDecoder::Status::need_more;
  for (std::size_t have = 0; pieces_status == http::ChunkedDecoder::Status::need_more &&
                             have < input.size();) {
    have = std::min(input.size(), have + step);
    std::size_t used = 0;
    pieces_status = pieces.feed(input.substr(at, have - at), used, pieces_body);
    SLWD_FUZZ_CHECK(used <= have - at, "a piece is consumed at most once");
    at += used;
  }
  SLWD_FUZZ_CHECK(pieces_status == status, "split input decodes to the same status");
  if (status == http::ChunkedDecoder::Status::done) {
    SLWD_FUZZ_CHECK(at == consumed, "split input ends at the same byte");
    SLWD_FUZZ_CHECK(pieces_body == body, "split input decodes to the same body");
  }
  if (status == http::ChunkedDecoder::Status::done || status == http::ChunkedDecoder::Status::need_more) {
    SLWD_FUZZ_CHECK(body.size() <= kMaxBody, "a decoded body stays within max_body");
  }
  return status;
}

void check_decision(const http::Receiver& receiver, const http::RequestHead& head,
                    const std::string& body, const http::Decision& decision) {
  if (const auto* response = std::get_if<http::Response>(&decision)) {
    // 200 only ever comes from the store, after an Accept: a refusal is never a 200.
    const unsigned s = response->status;
    SLWD_FUZZ_CHECK(s == 401 || s == 404 || s == 405 || s == 413, "decide refuses with 401/404/405/413");
    return;
  }
  const std::string_view path = http::target_path(head.target);
  const auto* endpoint = receiver.config().find_endpoint(path);
  SLWD_FUZZ_CHECK(endpoint != nullptr, "only a configured path is accepted");
  SLWD_FUZZ_CHECK(head.method == "POST", "only POST is accepted");
  SLWD_FUZZ_CHECK(body.size() <= kMaxBody, "nothing over max_body is accepted");
  if (endpoint->require_signature) {
    bool authentic = false;
    if (head.signature) {
      for (const auto& secret : endpoint->secrets) {
        authentic = authentic || lowercase(*head.signature) ==
                                     slwd::security::signature_header(secret, body);
      }
    } else {
      for (const auto& secret : endpoint->secrets) {
        authentic = authentic || body.find(secret) != std::string::npos;
      }
    }
    SLWD_FUZZ_CHECK(authentic, "a signed endpoint keeps only authentic bodies");
  }
  const std::string* delivery_id;
  if (const auto* accept = std::get_if<http::Accept>(&decision)) {
    SLWD_FUZZ_CHECK(accept->delivery.body == body, "the recorded body is the body received");
    SLWD_FUZZ_CHECK(!accept->delivery.event_type.empty(), "an accepted event has a type");
    SLWD_FUZZ_CHECK(accept->delivery.endpoint == endpoint->path, "recorded under its endpoint");
    delivery_id = &accept->delivery.delivery_id;
  } else {
    const auto& quarantine = std::get<http::Quarantine>(decision);
    SLWD_FUZZ_CHECK(quarantine.response.status == 400, "a quarantined body is answered 400");
    SLWD_FUZZ_CHECK(quarantine.item.body == body, "the quarantined body is the body received");
    SLWD_FUZZ_CHECK(!quarantine.item.reason.empty(), "a quarantined body has a reason");
    delivery_id = &quarantine.item.delivery_id;
  }
  SLWD_FUZZ_CHECK(*delivery_id == http::delivery_id_for(head.request_id, body),
                  "the delivery id follows SPEC §4");
  SLWD_FUZZ_CHECK(!delivery_id->empty() && delivery_id->size() <= 128 + 7, "delivery ids are bounded");
}

// One request off the front of `rest`. False when the connection ends (refused, closed, or
// waiting for bytes that never come).
bool one_request(const http::Receiver& receiver, std::string_view& rest, std::size_t step) {
  rest.remove_prefix(http::leading_empty_lines(rest));

  // Found the same whether the head arrives at once or in reads of `step` bytes.
  const http::HeadSearch search = http::find_head_end(rest);
  http::HeadSearch incremental;
  for (std::size_t have = std::min(step, rest.size());; have = std::min(rest.size(), have + step)) {
    incremental = http::find_head_end(rest.substr(0, have), incremental.scanned);
    if (incremental.status != http::HeadSearch::Status::need_more || have == rest.size()) break;
  }
  SLWD_FUZZ_CHECK(incremental.status == search.status && incremental.length == search.length,
                  "the head end does not depend on how reads split it");
  if (search.status != http::HeadSearch::Status::complete) return false;  // 431, or a timeout
  SLWD_FUZZ_CHECK(search.length <= http::kMaxHeadBytes + 2, "a head is at most 16 KiB");

  const std::string_view head_bytes = rest.substr(0, search.length);
  const http::HeadReading reading = http::read_head(head_bytes);
  if (!reading.head) {
    SLWD_FUZZ_CHECK(reading.refusal == 400 || reading.refusal == 501, "a bad head is 400 or 501");
    SLWD_FUZZ_CHECK((reading.refusal == 501) ==
                        (reading.framing.verdict == http::FramingVerdict::not_implemented),
                    "501 only for an unsupported transfer coding");
    return false;
  }
  SLWD_FUZZ_CHECK(reading.framing.verdict == http::FramingVerdict::ok, "a head is read only with ok framing");
  SLWD_FUZZ_CHECK(!(reading.framing.chunked && reading.framing.content_length),
                  "never both chunked and a Content-Length");
  // Beast reads the same message boundaries as our framing, or the two could be played off
  // against each other.
  const auto beast = http::parse_head(head_bytes);
  SLWD_FUZZ_CHECK(beast.has_value(), "read_head's head parses");
  SLWD_FUZZ_CHECK(beast->chunked == reading.framing.chunked, "Beast and framing agree on chunked");
  SLWD_FUZZ_CHECK(beast->content_length == reading.framing.content_length,
                  "Beast and framing agree on Content-Length");

  http::RequestHead head = *reading.head;
  auto early = receiver.check_head(head);
  if (early) {
    const unsigned s = early->status;
    SLWD_FUZZ_CHECK(s == 404 || s == 405 || s == 413, "check_head refuses with 404/405/413");
    if (s == 413 || (head.content_length && *head.content_length > kMaxBody)) return false;
  }

  const std::string_view after_head = rest.substr(search.length);
  std::string body;
  std::size_t body_len = 0;
  if (head.chunked) {
    const auto status = decode_chunked(after_head, step, body_len, body);
    if (status != http::ChunkedDecoder::Status::done) return false;  // 400, 413, or a timeout
  } else {
    body_len = static_cast<std::size_t>(head.content_length.value_or(0));
    if (after_head.size() < body_len) return false;  // the body timeout
    body.assign(after_head.substr(0, body_len));
  }
  rest.remove_prefix(search.length + body_len);
  if (early) return head.keep_alive;  // 404/405 after the body, connection kept

  if (head.signature == "{{sig}}") head.signature = slwd::security::signature_header(kSecret, body);
  const auto decision = receiver.decide(head, body, kNow);
  check_decision(receiver, head, body, decision);
  if (const auto* response = std::get_if<http::Response>(&decision); response && response->close) {
    return false;
  }
  return head.keep_alive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto receiver = make_receiver();
  std::string_view rest = slwd::fuzz::as_text(data, size);
  // Read sizes vary with the input, so splits land everywhere without a harness byte.
  const std::size_t step = 1 + size % 13;
  for (int requests = 0; requests < 32 && !rest.empty(); ++requests) {
    if (!one_request(*receiver, rest, step)) break;
  }
  return 0;
}
