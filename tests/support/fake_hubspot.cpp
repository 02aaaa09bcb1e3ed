#include "support/fake_hubspot.hpp"

#include <algorithm>
#include <cctype>

namespace slwd::test {
namespace {

using nlohmann::json;

const std::string kContactsPath = "/crm/v3/objects/contacts";
const std::string kNotesPath = "/crm/v3/objects/notes";

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Reply json_reply(int status, const json& body) {
  Reply r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
  r.body = body.dump();
  return r;
}

Reply error_reply(int status, const std::string& message, const std::string& category) {
  Reply r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json;charset=utf-8"}};
  r.body = hubspot_error_body(message, category);
  return r;
}

Reply validation_error(const std::string& message) {
  return error_reply(400, message, "VALIDATION_ERROR");
}

const char* kTimestamp = "2024-01-01T00:00:00.000Z";

json object_json(const std::string& id, const std::map<std::string, std::string>& properties,
                 const json& requested) {
  json props = json::object();
  if (requested.is_array()) {
    for (const auto& name : requested) {
      if (!name.is_string()) continue;
      auto it = properties.find(name.get<std::string>());
      props[name.get<std::string>()] = it == properties.end() ? json(nullptr) : json(it->second);
    }
  } else {
    for (const auto& [k, v] : properties) props[k] = v;
  }
  props["hs_object_id"] = id;
  return json{{"id", id},
              {"properties", props},
              {"createdAt", kTimestamp},
              {"updatedAt", kTimestamp},
              {"archived", false}};
}

// Lowercase letter/digit runs: what CONTAINS_TOKEN matches against.
std::vector<std::string> tokens_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// ISO-8601 date-time (what HubSpot documents for hs_timestamp) or epoch milliseconds.
bool valid_timestamp(const std::string& v) {
  if (!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return v.size() >= 12 && v.size() <= 14;
  }
  if (v.size() < 20) return false;
  auto digit = [&](std::size_t i) { return std::isdigit(static_cast<unsigned char>(v[i])) != 0; };
  return digit(0) && digit(1) && digit(2) && digit(3) && v[4] == '-' && digit(5) && digit(6) &&
         v[7] == '-' && digit(8) && digit(9) && v[10] == 'T' && digit(11) && digit(12) &&
         v[13] == ':' && digit(14) && digit(15) && v[16] == ':' && digit(17) && digit(18) &&
         (v.back() == 'Z' || v.find('+', 19) != std::string::npos);
}

struct Filter {
  std::string property;
  std::string op;
  std::string value;
};

// filterGroups (OR of ANDs); nullopt + error text when the shape is not PublicObjectSearchRequest.
std::optional<std::vector<std::vector<Filter>>> filter_groups(const json& body, std::string& error) {
  std::vector<std::vector<Filter>> groups;
  if (!body.is_object()) {
    error = "Invalid input JSON on line 1: the body must be a JSON object";
    return std::nullopt;
  }
  auto fg = body.find("filterGroups");
  if (fg == body.end()) return groups;
  if (!fg->is_array()) {
    error = "Invalid input JSON: filterGroups must be an array";
    return std::nullopt;
  }
  for (const auto& group : *fg) {
    auto filters = group.is_object() ? group.find("filters") : group.end();
    if (!group.is_object() || filters == group.end() || !filters->is_array()) {
      error = "Invalid input JSON: a filter group needs a \"filters\" array";
      return std::nullopt;
    }
    std::vector<Filter> out;
    for (const auto& f : *filters) {
      if (!f.is_object() || !f.contains("propertyName") || !f["propertyName"].is_string() ||
          !f.contains("operator") || !f["operator"].is_string()) {
        error = "Invalid input JSON: a filter needs propertyName and operator";
        return std::nullopt;
      }
      Filter filter{f["propertyName"].get<std::string>(), f["operator"].get<std::string>(), ""};
      if (f.contains("value")) {
        if (!f["value"].is_string()) {
          error = "Invalid input JSON: filter value must be a string";
          return std::nullopt;
        }
        filter.value = f["value"].get<std::string>();
      }
      out.push_back(std::move(filter));
    }
    groups.push_back(std::move(out));
  }
  return groups;
}

std::size_t limit_of(const json& body) {
  if (body.contains("limit") && body["limit"].is_number_integer()) {
    return static_cast<std::size_t>(std::clamp<std::int64_t>(body["limit"].get<std::int64_t>(), 0, 200));
  }
  return 10;
}

}  // namespace

std::string hubspot_error_body(const std::string& message, const std::string& category) {
  return json{{"status", "error"},
              {"message", message},
              {"correlationId", "0b9f6c3e-1d2a-4c5b-8e7f-123456789abc"},
              {"category", category}}
      .dump();
}

FakeHubspot::FakeHubspot(std::string token)
    : token_(std::move(token)),
      defined_{"email", "firstname", "lastname", "company", "hs_lead_status", "phone"} {
  server_ = std::make_unique<FakeHttpServer>(
      [this](const RecordedRequest& request, std::size_t) { return handle(request); });
}

std::string FakeHubspot::base_url() const {
  std::string url = server_->url("/");
  url.pop_back();
  return url;
}

std::string FakeHubspot::next_id() { return std::to_string(next_id_++); }

std::string FakeHubspot::add_contact(std::map<std::string, std::string> properties) {
  std::lock_guard lock(mutex_);
  FakeHsContact c{next_id(), std::move(properties)};
  if (auto it = c.properties.find("email"); it != c.properties.end()) it->second = lowercase(it->second);
  contacts_.push_back(c);
  return c.id;
}

void FakeHubspot::define_property(const std::string& name) {
  std::lock_guard lock(mutex_);
  defined_.insert(name);
}

void FakeHubspot::hide_from_search(const std::string& email, std::size_t searches) {
  std::lock_guard lock(mutex_);
  hidden_[lowercase(email)] = searches;
}

void FakeHubspot::fail(const std::string& route, std::size_t call_index, FakeHsFailure failure) {
  std::lock_guard lock(mutex_);
  failures_[{route, call_index}] = std::move(failure);
}

void FakeHubspot::fail_always(const std::string& route, FakeHsFailure failure) {
  std::lock_guard lock(mutex_);
  always_[route] = std::move(failure);
}

void FakeHubspot::clear_failures() {
  std::lock_guard lock(mutex_);
  failures_.clear();
  always_.clear();
}

void FakeHubspot::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

std::vector<FakeHsContact> FakeHubspot::contacts() const {
  std::lock_guard lock(mutex_);
  return contacts_;
}

std::optional<FakeHsContact> FakeHubspot::contact_by_email(const std::string& email) const {
  std::lock_guard lock(mutex_);
  if (const auto* c = find_email(email)) return *c;
  return std::nullopt;
}

std::vector<FakeHsNote> FakeHubspot::notes() const {
  std::lock_guard lock(mutex_);
  return notes_;
}

std::vector<FakeHsNote> FakeHubspot::notes_of(const std::string& contact_id) const {
  std::lock_guard lock(mutex_);
  std::vector<FakeHsNote> out;
  for (const auto& n : notes_) {
    for (const auto& a : n.associations) {
      if (a.to_id == contact_id) {
        out.push_back(n);
        break;
      }
    }
  }
  return out;
}

std::vector<FakeHsCall> FakeHubspot::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<std::string> FakeHubspot::routes() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& c : calls_) out.push_back(c.route);
  return out;
}

std::size_t FakeHubspot::count(const std::string& route) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(calls_.begin(), calls_.end(), [&](const FakeHsCall& c) { return c.route == route; }));
}

const FakeHsContact* FakeHubspot::find_email(const std::string& email) const {
  const std::string wanted = lowercase(email);
  for (const auto& c : contacts_) {
    auto it = c.properties.find("email");
    if (it != c.properties.end() && lowercase(it->second) == wanted) return &c;
  }
  return nullptr;
}

Reply FakeHubspot::handle(const RecordedRequest& request) {
  std::lock_guard lock(mutex_);
  FakeHsCall call;
  call.index = calls_.size();
  call.method = request.method;
  call.target = request.target;
  call.authorization = request.header("authorization");
  call.content_type = request.header("content-type");
  call.body = json::parse(request.body, nullptr, false);
  if (call.body.is_discarded()) call.body = nullptr;
  call.arrived = request.arrived;

  const std::string path = request.target.substr(0, request.target.find('?'));
  std::string path_id;
  if (request.method == "POST" && path == kContactsPath + "/search") {
    call.route = kHsSearchContacts;
  } else if (request.method == "POST" && path == kContactsPath) {
    call.route = kHsCreateContact;
  } else if (request.method == "PATCH" && path.rfind(kContactsPath + "/", 0) == 0 &&
             path.find('/', kContactsPath.size() + 1) == std::string::npos) {
    call.route = kHsUpdateContact;
    path_id = path.substr(kContactsPath.size() + 1);
  } else if (request.method == "POST" && path == kNotesPath) {
    call.route = kHsCreateNote;
  } else if (request.method == "POST" && path == kNotesPath + "/search") {
    call.route = kHsSearchNotes;
  } else {
    call.route = request.method + " " + path;
  }
  const std::size_t route_index = route_counts_[call.route]++;

  Reply reply;
  if (call.authorization != "Bearer " + token_) {
    reply = error_reply(401,
                        "Authentication credentials not found. This API supports OAuth 2.0 "
                        "authentication and you can find more details at "
                        "https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                        "INVALID_AUTHENTICATION");
  } else {
    std::optional<FakeHsFailure> failure;
    if (auto it = failures_.find({call.route, route_index}); it != failures_.end()) {
      failure = it->second;
    } else if (auto always = always_.find(call.route); always != always_.end()) {
      failure = always->second;
    }
    if (!failure || failure->apply_first) {
      const std::string& content_type = call.content_type;
      if (request.method != "GET" && content_type.rfind("application/json", 0) != 0) {
        reply = error_reply(415, "Unsupported Media Type", "VALIDATION_ERROR");
      } else {
        reply = route_call(call.route, path_id, call.body, call);
      }
    }
    if (failure) {
      reply = error_reply(failure->status, failure->message, failure->category);
      if (failure->retry_after) reply.headers.emplace_back("Retry-After", *failure->retry_after);
      reply.hang = failure->hang;
    }
  }
  reply.delay = delay_;
  call.status = reply.status;
  call.answered = call.arrived + delay_;
  calls_.push_back(std::move(call));
  return reply;
}

Reply FakeHubspot::route_call(const std::string& route, const std::string& path_id,
                              const json& body, FakeHsCall& call) {
  if (route == kHsSearchContacts) return search_contacts(body, call);
  if (route == kHsCreateContact) return create_contact(body, call);
  if (route == kHsUpdateContact) return update_contact(path_id, body, call);
  if (route == kHsCreateNote) return create_note(body, call);
  if (route == kHsSearchNotes) return search_notes(body, call);
  return error_reply(404, "resource not found", "OBJECT_NOT_FOUND");
}

std::optional<Reply> FakeHubspot::check_properties(const json& properties, bool for_note) const {
  if (!properties.is_object()) return validation_error("Invalid input JSON: \"properties\" must be an object");
  json invalid = json::array();
  for (const auto& [name, value] : properties.items()) {
    if (!value.is_string()) return validation_error("Invalid input JSON: property values must be strings");
    const bool known = for_note ? (name == "hs_note_body" || name == "hs_timestamp")
                                : defined_.count(name) > 0;
    if (!known) {
      invalid.push_back(json{{"isValid", false},
                             {"message", "Property \"" + name + "\" does not exist"},
                             {"error", "PROPERTY_DOESNT_EXIST"},
                             {"name", name}});
    }
  }
  if (!invalid.empty()) return validation_error("Property values were not valid: " + invalid.dump());
  return std::nullopt;
}

Reply FakeHubspot::search_contacts(const json& body, FakeHsCall& call) {
  std::string error;
  auto groups = filter_groups(body, error);
  if (!groups) return validation_error(error);
  for (const auto& group : *groups) {
    for (const auto& f : group) {
      if (f.op != "EQ" && f.op != "HAS_PROPERTY") {
        return validation_error("fake HubSpot: unsupported operator " + f.op + " for contacts");
      }
      if (f.property == "email" && f.op == "EQ") call.email = lowercase(f.value);
    }
  }
  bool hidden = false;
  if (!call.email.empty()) {
    if (auto it = hidden_.find(call.email); it != hidden_.end() && it->second > 0) {
      --it->second;
      hidden = true;
    }
  }
  json results = json::array();
  std::size_t total = 0;
  const std::size_t limit = limit_of(body);
  for (const auto& c : contacts_) {
    auto matches = [&](const Filter& f) {
      auto it = c.properties.find(f.property);
      if (f.op == "HAS_PROPERTY") return it != c.properties.end() && !it->second.empty();
      if (it == c.properties.end()) return false;
      return f.property == "email" ? lowercase(it->second) == lowercase(f.value) : it->second == f.value;
    };
    bool any = groups->empty();
    for (const auto& group : *groups) {
      if (std::all_of(group.begin(), group.end(), matches)) any = true;
    }
    if (!any || hidden) continue;
    ++total;
    if (results.size() < limit) results.push_back(object_json(c.id, c.properties, body.value("properties", json())));
  }
  return json_reply(200, json{{"total", total}, {"results", results}});
}

Reply FakeHubspot::create_contact(const json& body, FakeHsCall& call) {
  if (!body.is_object() || !body.contains("properties")) {
    return validation_error("Invalid input JSON: \"properties\" is required");
  }
  if (auto bad = check_properties(body["properties"], false)) return *bad;
  std::map<std::string, std::string> props;
  for (const auto& [k, v] : body["properties"].items()) props[k] = v.get<std::string>();
  if (auto it = props.find("email"); it != props.end()) {
    it->second = lowercase(it->second);
    call.email = it->second;
    if (const auto* existing = find_email(it->second)) {
      return error_reply(409, "Contact already exists. Existing ID: " + existing->id, "CONFLICT");
    }
  }
  FakeHsContact c{next_id(), std::move(props)};
  contacts_.push_back(c);
  return json_reply(201, object_json(c.id, c.properties, json()));
}

Reply FakeHubspot::update_contact(const std::string& id, const json& body, FakeHsCall& call) {
  auto it = std::find_if(contacts_.begin(), contacts_.end(), [&](const FakeHsContact& c) { return c.id == id; });
  if (it == contacts_.end()) return error_reply(404, "resource not found", "OBJECT_NOT_FOUND");
  if (auto email = it->properties.find("email"); email != it->properties.end()) call.email = email->second;
  if (!body.is_object() || !body.contains("properties")) {
    return validation_error("Invalid input JSON: \"properties\" is required");
  }
  if (auto bad = check_properties(body["properties"], false)) return *bad;
  for (const auto& [k, v] : body["properties"].items()) it->properties[k] = v.get<std::string>();
  return json_reply(200, object_json(it->id, it->properties, json()));
}

Reply FakeHubspot::create_note(const json& body, FakeHsCall& call) {
  if (!body.is_object() || !body.contains("properties")) {
    return validation_error("Invalid input JSON: \"properties\" is required");
  }
  if (auto bad = check_properties(body["properties"], true)) return *bad;
  FakeHsNote note;
  for (const auto& [k, v] : body["properties"].items()) note.properties[k] = v.get<std::string>();
  auto ts = note.properties.find("hs_timestamp");
  if (ts == note.properties.end()) return validation_error("Property values were not valid: hs_timestamp is required");
  if (!valid_timestamp(ts->second)) {
    return validation_error("Property values were not valid: hs_timestamp \"" + ts->second +
                            "\" is not a valid datetime or epoch milliseconds");
  }
  if (body.contains("associations")) {
    const auto& assocs = body["associations"];
    if (!assocs.is_array()) return validation_error("Invalid input JSON: associations must be an array");
    for (const auto& a : assocs) {
      if (!a.is_object() || !a.contains("to") || !a["to"].is_object() || !a["to"].contains("id") ||
          !a["to"]["id"].is_string() || !a.contains("types") || !a["types"].is_array()) {
        return validation_error("Invalid input JSON: an association needs to.id (string) and types");
      }
      const std::string to = a["to"]["id"].get<std::string>();
      const auto contact = std::find_if(contacts_.begin(), contacts_.end(),
                                        [&](const FakeHsContact& c) { return c.id == to; });
      if (contact == contacts_.end()) {
        return validation_error("One or more associations are invalid: no contact " + to);
      }
      if (auto email = contact->properties.find("email"); email != contact->properties.end()) {
        call.email = email->second;
      }
      for (const auto& t : a["types"]) {
        if (!t.is_object() || !t.contains("associationCategory") || !t["associationCategory"].is_string() ||
            !t.contains("associationTypeId") || !t["associationTypeId"].is_number_integer()) {
          return validation_error("Invalid input JSON: an association type needs associationCategory and associationTypeId");
        }
        FakeHsAssociation assoc{to, t["associationCategory"].get<std::string>(), t["associationTypeId"].get<int>()};
        if (assoc.category == "HUBSPOT_DEFINED" && assoc.type_id != 202) {
          return validation_error("One or more associations are invalid: type " +
                                  std::to_string(assoc.type_id) + " is not note_to_contact");
        }
        note.associations.push_back(std::move(assoc));
      }
    }
  }
  note.id = next_id();
  notes_.push_back(note);
  return json_reply(201, object_json(note.id, note.properties, json()));
}

Reply FakeHubspot::search_notes(const json& body, FakeHsCall& call) {
  std::string error;
  auto groups = filter_groups(body, error);
  if (!groups) return validation_error(error);
  for (const auto& group : *groups) {
    for (const auto& f : group) {
      const bool ok = (f.property == "hs_note_body" && f.op == "CONTAINS_TOKEN") ||
                      (f.property == "associations.contact" && f.op == "EQ");
      if (!ok) return validation_error("fake HubSpot: unsupported note filter " + f.property + " " + f.op);
    }
  }
  (void)call;
  json results = json::array();
  std::size_t total = 0;
  const std::size_t limit = limit_of(body);
  for (const auto& n : notes_) {
    auto matches = [&](const Filter& f) {
      if (f.property == "associations.contact") {
        return std::any_of(n.associations.begin(), n.associations.end(),
                           [&](const FakeHsAssociation& a) { return a.to_id == f.value; });
      }
      auto it = n.properties.find("hs_note_body");
      if (it == n.properties.end()) return false;
      auto tokens = tokens_of(it->second);
      return std::find(tokens.begin(), tokens.end(), lowercase(f.value)) != tokens.end();
    };
    bool any = groups->empty();
    for (const auto& group : *groups) {
      if (std::all_of(group.begin(), group.end(), matches)) any = true;
    }
    if (!any) continue;
    ++total;
    if (results.size() < limit) results.push_back(object_json(n.id, n.properties, body.value("properties", json())));
  }
  return json_reply(200, json{{"total", total}, {"results", results}});
}

}  // namespace slwd::test
