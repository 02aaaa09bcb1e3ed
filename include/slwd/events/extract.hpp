#pragma once
// Internal to the events part: typed extraction from a payload already parsed and typed.
// Each function applies SPEC §5's "new name, else old name, else nested format's" rules.
#include <string_view>

#include "slwd/events/event_types.hpp"
#include "slwd/events/field_reader.hpp"

namespace slwd::events {

// Everything of Common except event_type and secret_key (parse_event sets those).
void extract_common(const FieldReader& in, Common& out);

// The typed struct for a canonical type name (UnknownEvent for any other name).
EventDetail extract_detail(std::string_view canonical_type, const FieldReader& in);

// Per-family extractors used by extract_detail.
// message_id_is_sent: whether the deprecated top-level message_id names the sent message
// (it names the reply in EMAIL_REPLY payloads).
EmailFields extract_email_fields(const FieldReader& in, bool message_id_is_sent = true);
Message extract_reply_message(const FieldReader& in);
Message extract_bounce_message(const FieldReader& in);
std::vector<std::string> extract_links(const FieldReader& in);
LeadCategoryUpdated extract_lead_category_updated(const FieldReader& in);
CampaignStatusChanged extract_campaign_status_changed(const FieldReader& in);
UntrackedReply extract_untracked_reply(const FieldReader& in);
ManualStepReached extract_manual_step_reached(const FieldReader& in);

}  // namespace slwd::events
