#pragma once
// UTF-8 checks shared by the handlers that cut or clean text from SmartLead (Slack messages,
// HubSpot notes, error snippets of HTTP answers).
#include <cstddef>
#include <string_view>

namespace slwd::handlers {

// Length of the valid UTF-8 sequence starting at s[i] (shortest form, no surrogates,
// <= U+10FFFF); 0 when the bytes there are not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace slwd::handlers
