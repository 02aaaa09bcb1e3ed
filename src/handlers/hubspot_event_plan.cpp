#include "hubspot_event_plan.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "hubspot_note.hpp"
#include "slwd/events/event.hpp"
#include "slwd/ops/time_format.hpp"

namespace slwd::handlers::hubspot {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && lowercase(a) == lowercase(b);
}

// Contact fields the typed event model does not carry (explicit first/last name, company):
// read from the raw body, in the flat payload, its nested `lead_data` / `lead` object, or the
// `data` object of the {id,type,data,meta} envelope.
class RawLead {
 public:
  explicit RawLead(const std::string& body) : root_(nlohmann::json::parse(body, nullptr, false)) {}

  std::optional<std::string> text(std::initializer_list<std::string_view> keys) const {
    for (const nlohmann::json* scope : scopes()) {
      for (std::string_view obj : {std::string_view("lead_data"), std::string_view("lead"),
                                   std::string_view()}) {
        const nlohmann::json* at = scope;
        if (!obj.empty()) {
          auto it = at->find(obj);
          if (it == at->end() || !it->is_object()) continue;
          at = &*it;
        }
        for (std::string_view key : keys) {
          auto it = at->find(key);
          if (it != at->end() && it->is_string()) {
            std::string v = trim(it->get_ref<const std::string&>());
            if (!v.empty()) return v;
          }
        }
      }
    }
    return std::nullopt;
  }

 private:
  std::vector<const nlohmann::json*> scopes() const {
    std::vector<const nlohmann::json*> out;
    if (!root_.is_object()) return out;
    out.push_back(&root_);
    if (auto it = root_.find("data"); it != root_.end() && it->is_object()) out.push_back(&*it);
    return out;
  }

  nlohmann::json root_;
};

Properties new_contact_properties(const std::string& email, const events::Common& common,
                                  const RawLead& raw) {
  Properties p{{"email", email}};
  auto first = raw.text({"first_name"});
  auto last = raw.text({"last_name"});
  if (!first && !last && common.lead_name) {
    auto [f, l] = split_name(*common.lead_name);
    if (!f.empty()) first = f;
    if (!l.empty()) last = l;
  }
  if (first) p["firstname"] = *first;
  if (last) p["lastname"] = *last;
  if (auto company = raw.text({"company_name", "company"})) p["company"] = *company;
  return p;
}

// 9999-12-31T23:59:59.999Z. hs_timestamp is written as YYYY-MM-DDTHH:MM:SS.mmmZ, which holds
// 1970 to 9999 only: a 15-digit epoch ("999999999999999") or "9999-12-31T23:59-23:59" came out
// as year 33658 or 10000, and a time before 1970 as "...:59.-500Z" — not ISO-8601, and not the
// reply's time anyway. Such a time counts as no usable time (found by tests/fuzz hubspot).
constexpr std::int64_t kLatestNoteTimeMs = 253402300799999;

std::optional<std::int64_t> note_time_ms(const std::string& text) {
  const auto ms = parse_timestamp_ms(text);
  if (!ms || *ms < 0 || *ms > kLatestNoteTimeMs) return std::nullopt;
  return ms;
}

std::string note_time(const events::Event& event, const store::WorkItem& item) {
  std::optional<std::int64_t> ms;
  if (event.common.timestamp) ms = note_time_ms(*event.common.timestamp);
  if (!ms) {
    if (const auto* reply = std::get_if<events::EmailReply>(&event.detail); reply && reply->reply.time) {
      ms = note_time_ms(*reply->reply.time);
    }
  }
  // The time the event was recorded is the best fallback: close to the reply, and the same on
  // every retry.
  if (!ms && item.received_at_ms > 0) ms = item.received_at_ms;
  if (!ms) ms = store::system_now_ms();
  return ops::iso8601_ms(*ms);
}

std::string note_body(const events::Event& event, const events::EmailReply& reply,
                      const std::string& marker) {
  NoteInput in;
  in.campaign_name = event.common.campaign_name;
  in.campaign_id = event.common.campaign_id;
  in.subject = reply.email.subject;
  in.reply_text = reply.reply.text;
  in.reply_html = reply.reply.html;
  in.from_email = reply.email.from_email;
  in.app_url = reply.email.app_url;
  in.marker = marker;
  return note_body_html(in);
}

}  // namespace

std::pair<std::string, std::string> split_name(const std::string& full) {
  const std::string name = trim(full);
  if (name.empty() || name.find('@') != std::string::npos) return {};
  const auto space = name.find_first_of(" \t");
  if (space == std::string::npos) return {name, ""};
  return {name.substr(0, space), trim(std::string_view(name).substr(space + 1))};
}

std::string map_category(const std::string& category,
                         const std::map<std::string, std::string>& category_map) {
  if (auto it = category_map.find(category); it != category_map.end()) return it->second;
  for (const auto& [name, value] : category_map) {
    if (iequals(name, category)) return value;
  }
  return category;
}

EventPlan plan_event(const store::WorkItem& item, const MappingSettings& settings) {
  EventPlan plan;
  auto parsed = events::parse_event(item.body);
  if (!parsed.event) {
    // Recorded bodies were parsed once already; this only happens to a corrupted store row.
    plan.error = "hubspot: the recorded event cannot be parsed: " + parsed.error;
    return plan;
  }
  const events::Event& event = *parsed.event;
  const events::Common& common = event.common;
  if (common.lead_email) plan.lead_key = lowercase(trim(*common.lead_email));

  auto property = [&](const char* key) -> const std::string* {
    auto it = settings.properties.find(key);
    return it == settings.properties.end() || it->second.empty() ? nullptr : &it->second;
  };

  const std::string& type = common.event_type;
  if (type == "EMAIL_REPLY") {
    plan.write = WriteKind::note;
  } else if (type == "LEAD_CATEGORY_UPDATED") {
    const std::string* name = property("category");
    if (name && common.category) {
      plan.write = WriteKind::update;
      plan.update[*name] = map_category(*common.category, settings.category_map);
    }
  } else if (type == "LEAD_UNSUBSCRIBED") {
    if (const std::string* name = property("unsubscribed")) {
      plan.write = WriteKind::update;
      plan.update[*name] = "true";
    }
  } else if (type == "EMAIL_BOUNCE") {
    if (const std::string* name = property("bounced")) {
      plan.write = WriteKind::update;
      plan.update[*name] = "true";
    }
  }
  if (plan.write == WriteKind::none) return plan;  // nothing to do: success without a call

  if (plan.lead_key.empty()) {
    plan.error = "hubspot: no lead email";
    return plan;
  }
  plan.new_contact = new_contact_properties(plan.lead_key, common, RawLead(item.body));
  if (plan.write == WriteKind::note) {
    const auto* reply = std::get_if<events::EmailReply>(&event.detail);
    const events::EmailReply empty_reply;
    plan.note_marker = note_marker(item.delivery_id);
    plan.note_body = note_body(event, reply ? *reply : empty_reply, plan.note_marker);
    plan.note_time = note_time(event, item);
  }
  return plan;
}

}  // namespace slwd::handlers::hubspot
