// endpoints: section.
#include "scalars.hpp"
#include "schema.hpp"
#include "secret_file.hpp"

namespace slwd::config::detail {
namespace {

void read_endpoint(Reader& reader, const Field& field, EndpointConfig& endpoint,
                   EndpointDraft& draft) {
  draft.line = field.line;
  if (!reader.expect_map(field)) {
    draft.secrets_failed = true;  // nothing more to say about an endpoint that is not a mapping
    return;
  }
  MapWalker walker(reader, field);
  walker.on("path", [&](const Field& f) {
    auto value = reader.non_empty_text(f);
    if (!value) return;
    bool bad_char = value->find_first_of("?# \t\r\n") != std::string::npos;
    if (value->front() != '/' || bad_char) {
      reader.error(f.line, f.path + ": " + quoted(*value) +
                               " must start with \"/\" and hold no spaces, \"?\" or \"#\"");
      return;
    }
    endpoint.path = *value;
    draft.path_line = f.line;  // only for a valid path, so a bad one raises no "duplicate" too
  });
  // `secrets` is a list (a single value is taken as a one-element list); `secrets_file` holds
  // one secret per line. Empty entries are dropped, so `["${NEW:-}", "${OLD}"]` works during a
  // rotation; an endpoint left with none is caught by validate().
  bool secrets_inline = false;
  bool secrets_file = false;
  walker.on("secrets", [&](const Field& f) {
    secrets_inline = true;
    draft.secrets_line = std::max(draft.secrets_line, f.line);
    auto values = reader.text_list(f, true);
    if (!values) {
      draft.secrets_failed = true;
      return;
    }
    for (auto& value : *values) {
      if (!value.empty()) endpoint.secrets.push_back(std::move(value));
    }
  });
  walker.on("secrets_file", [&](const Field& f) {
    secrets_file = true;
    draft.secrets_line = std::max(draft.secrets_line, f.line);
    auto path = reader.non_empty_text(f);
    auto read = path ? read_secret_file(*path) : SecretFileResult{};
    if (!path || !read.error.empty()) {
      if (path) reader.error(f.line, f.path + ": " + read.error);
      draft.secrets_failed = true;
      return;
    }
    for (auto& secret : split_secret_lines(read.content)) endpoint.secrets.push_back(secret);
  });
  walker.on("require_signature", [&](const Field& f) {
    draft.require_signature_line = f.line;
    auto value = reader.boolean(f);
    draft.require_signature_failed = !value;
    assign(endpoint.require_signature, value);
  });
  walker.on("accept_body_secret_key",
            [&](const Field& f) { assign(endpoint.accept_body_secret_key, reader.boolean(f)); });
  walker.on("handlers", [&](const Field& f) {
    draft.handlers_line = f.line;
    auto items = reader.list(f, true);  // `handlers: all` is accepted as well as `[all]`
    if (!items) return;
    if (items->empty()) {
      reader.error(f.line, f.path + ": must name at least one handler, or be [all]");
      return;
    }
    for (const auto& item : *items) {
      if (auto name = reader.non_empty_text(item)) {
        draft.handler_refs.push_back(Located{*name, item.line});
      }
    }
  });
  walker.run();
  if (secrets_inline && secrets_file) {
    draft.secrets_failed = true;
    reader.error(
        draft.secrets_line,
        walker.path("secrets") + ": both \"secrets\" and \"secrets_file\" are given; use one");
  }
  if (!walker.has("path")) {
    reader.error(field.line, field.path + ": missing required key \"path\"");
  }
}

}  // namespace

void read_endpoints(Reader& reader, const Field& field, Draft& draft) {
  draft.endpoints_line = field.line;
  auto items = reader.list(field, false);
  if (!items) return;
  if (items->empty())
    reader.error(field.line, field.path + ": empty list (at least one endpoint is needed)");
  for (const auto& item : *items) {
    EndpointConfig endpoint;
    EndpointDraft endpoint_draft;
    read_endpoint(reader, item, endpoint, endpoint_draft);
    draft.config.endpoints.push_back(std::move(endpoint));
    draft.endpoints.push_back(std::move(endpoint_draft));
  }
}

}  // namespace slwd::config::detail
