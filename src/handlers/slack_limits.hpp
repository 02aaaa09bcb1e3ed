#pragma once
// Slack's Block Kit limits (slackapi/node-slack-sdk packages/types/src/block-kit/blocks.ts and
// Slack's incoming-webhook docs), and the last pass every payload goes through before it is
// sent: whatever the builders or an operator's template produced, what leaves is within them.
#include <cstddef>

#include <nlohmann/json.hpp>

namespace slwd::handlers::slack {

inline constexpr std::size_t kMaxBlocks = 50;
inline constexpr std::size_t kMaxSectionText = 3000;
inline constexpr std::size_t kMaxSectionFields = 10;
inline constexpr std::size_t kMaxFieldText = 2000;
inline constexpr std::size_t kMaxHeaderText = 150;
inline constexpr std::size_t kMaxContextElements = 10;
inline constexpr std::size_t kMaxContextText = 3000;
// The top-level `text` is the notification and fallback when blocks are shown; Slack accepts
// far more (40,000) but truncates long messages itself, so a readable notification is short.
inline constexpr std::size_t kMaxFallbackText = 1000;

// Truncates every text of `payload` ({"text", "blocks": [...]}) to its limit with "…" (never
// splitting UTF-8 or a mrkdwn entity), drops elements over a count limit, drops sections left
// without text or fields (Slack refuses an empty one), and keeps at most kMaxBlocks blocks, the
// last one then saying that more was left out. Never throws for any JSON object.
void fit_to_limits(nlohmann::json& payload);

}  // namespace slwd::handlers::slack
