#include "slwd/store/json.hpp"

#include <openssl/evp.h>

#include <nlohmann/json.hpp>

#include "slwd/ops/time_format.hpp"

namespace slwd::store {
namespace {

bool valid_utf8(const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();  // dump() throws type_error 316 on invalid UTF-8
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::string dead_letters_json(const std::vector<DeadLetter>& dead) {
  auto out = nlohmann::json::array();
  for (const auto& d : dead) {
    out.push_back({{"id", d.id},
                   {"delivery_id", d.delivery_id},
                   {"handler", d.handler},
                   {"event_type", d.event_type},
                   {"attempts", d.attempts},
                   {"last_error", d.last_error},
                   {"dead_at", ops::iso8601_ms(d.dead_at_ms)}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string quarantine_json(const std::vector<QuarantineEntry>& entries) {
  auto out = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json row = {{"id", e.id},
                          {"delivery_id", e.item.delivery_id},
                          {"endpoint", e.item.endpoint},
                          {"reason", e.item.reason},
                          {"received_at", ops::iso8601_ms(e.item.received_at_ms)}};
    if (valid_utf8(e.item.body)) {
      row["body"] = e.item.body;
    } else {
      row["body_base64"] = base64(e.item.body);
    }
    out.push_back(std::move(row));
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace slwd::store
