#pragma once
// The built-in message of each event type (README "Slack"). `link` is smartlead_link()'s.
#include <optional>
#include <string>

#include "slack_blocks.hpp"
#include "slack_event_view.hpp"

namespace slwd::handlers::slack {

using Link = std::optional<std::string>;

// By type (slack_payload.cpp): the layouts below, compact_message() for the rest and unknown types.
Message build_message(const EventView& view, const Link& link);

// slack_messages_replies.cpp: messages that quote an email.
Message reply_message(const EventView& view, const Link& link);
Message untracked_reply_message(const EventView& view, const Link& link);
Message bounce_message(const EventView& view, const Link& link);

// slack_messages_changes.cpp: something about a lead or campaign changed.
Message unsubscribe_message(const EventView& view, const Link& link);
Message category_message(const EventView& view, const Link& link);
Message campaign_status_message(const EventView& view, const Link& link);
Message manual_step_message(const EventView& view, const Link& link);

// slack_messages_compact.cpp: one line for sent / first sent / open / click / unknown types,
// which are frequent and interesting only in aggregate.
Message compact_message(const EventView& view, const Link& link);

}  // namespace slwd::handlers::slack
