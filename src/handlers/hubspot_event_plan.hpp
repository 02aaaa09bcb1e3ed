#pragma once
// What one recorded SmartLead event asks of HubSpot (SPEC §6, hubspot row), decided without any
// I/O: the lead it concerns, the contact to create when the lead is missing, and the one write
// (a note, or a property update). Events with nothing to do plan no write at all.
#include <map>
#include <string>
#include <utility>

#include "slwd/store/store.hpp"

namespace slwd::handlers::hubspot {

// The handler's `properties` (category / unsubscribed / bounced -> HubSpot property names) and
// `category_map` (SmartLead category name -> property value).
struct MappingSettings {
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> category_map;
};

enum class WriteKind { none, note, update };

using Properties = std::map<std::string, std::string>;  // HubSpot property values are strings

struct EventPlan {
  WriteKind write = WriteKind::none;
  std::string lead_key;    // the lead's email, trimmed and lowercased; "" when the event has none
  Properties new_contact;  // email, firstname, lastname, company: for creating a missing contact
  Properties update;       // WriteKind::update: the PATCH's properties
  std::string note_body;   // WriteKind::note: hs_note_body (HTML)
  std::string note_time;   // WriteKind::note: hs_timestamp, ISO-8601 UTC with milliseconds
  std::string note_marker; // WriteKind::note: the token that finds the note again
  std::string error;       // non-empty: the event cannot be delivered (a permanent failure)
};

EventPlan plan_event(const store::WorkItem& item, const MappingSettings& settings);

// "David Carroll" -> {"David", "Carroll"}; "Mary Ann van Dyke" -> {"Mary", "Ann van Dyke"};
// one word -> {word, ""}. A value that looks like an email is no name: {"", ""}.
std::pair<std::string, std::string> split_name(const std::string& full);

// The value to store for a SmartLead category: category_map's entry for it (exact name first,
// then ignoring case), else the name itself.
std::string map_category(const std::string& category,
                         const std::map<std::string, std::string>& category_map);

}  // namespace slwd::handlers::hubspot
