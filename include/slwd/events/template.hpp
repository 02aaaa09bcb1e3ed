#pragma once
// Message templates (SPEC §6 `slack` handler, `template:` per event type). The syntax lives in
// the events part because the config part validates templates at load time and may depend on
// events, never on handlers; the handler supplies the values.
//
// Syntax: literal text with placeholders `{{name}}` (spaces inside the braces are allowed:
// `{{ lead_email }}`). Names are lower case and must be one of template_placeholders(); an
// unknown name, an empty `{{}}` or a `{{` without its `}}` is an error. There is no escape for
// a literal `{{`: every `{{` starts a placeholder. A single `{` or `}` and a stray `}}` are text.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slwd::events {

struct TemplatePlaceholder {
  std::string_view name;
  std::string_view meaning;  // one line, for docs and `check-config` messages
};

// Every placeholder a template may use, in documented order. Each is valid for every event type;
// one the event does not carry renders as empty text.
const std::vector<TemplatePlaceholder>& template_placeholders();
// "event_type, delivery_id, ..." for error messages.
std::string template_placeholder_list();

// A parsed template: literal text and placeholder names, alternating in source order.
struct MessageTemplate {
  struct Piece {
    bool placeholder = false;
    std::string text;  // the literal text, or the placeholder's name
  };
  std::vector<Piece> pieces;

  // Concatenates the pieces, asking `value_of` for each placeholder's (already escaped) text.
  std::string render(const std::function<std::string(std::string_view name)>& value_of) const;
};

struct TemplateParse {
  std::optional<MessageTemplate> value;
  std::string error;  // empty on success, e.g. "unknown placeholder {{foo}} (known: ...)"
};

TemplateParse parse_template(std::string_view text);

}  // namespace slwd::events
