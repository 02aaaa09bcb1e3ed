#pragma once
// The JSON a `slack` handler POSTs for one recorded event: {"text", "blocks", "unfurl_links",
// "unfurl_media"}. Pure (no I/O), so golden-file tests render exactly what goes on the wire.
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "slwd/config/config.hpp"
#include "slwd/events/event.hpp"
#include "slwd/events/template.hpp"
#include "slwd/store/store.hpp"

namespace slwd::handlers::slack {

struct PayloadOptions {
  std::string app_url;                                      // the handler's, may be empty
  std::map<std::string, events::MessageTemplate> templates;  // canonical event type -> template
};

// The handler's options; throws std::invalid_argument naming a template that does not parse
// (the config loader refuses those already, this guards hand-built configs).
PayloadOptions payload_options(const config::HandlerConfig& config);

// The message for a parsed event. A template for its type replaces the main blocks and the
// fallback text; the context line (link, mailbox, time) stays. Always within Slack's limits.
nlohmann::json build_payload(const events::Event& event, std::string_view delivery_id,
                             const PayloadOptions& options);
// The same from a recorded body; a body that no longer parses (it did when it was recorded)
// still gets a one-line message naming the recorded event type.
nlohmann::json build_payload(const store::WorkItem& item, const PayloadOptions& options);

// Only the fallback text: what is sent when Slack refuses the blocks (invalid_blocks).
nlohmann::json text_only(const nlohmann::json& payload);

// Compact JSON text; any invalid UTF-8 (there should be none) becomes U+FFFD, never a throw.
std::string serialize(const nlohmann::json& payload);

}  // namespace slwd::handlers::slack
