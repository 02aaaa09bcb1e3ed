// The top level: which sections exist, in any order.
#include "schema.hpp"

namespace slwd::config::detail {

void read_document(Reader& reader, const YAML::Node& root, Draft& draft) {
  if (root.IsNull() || !root.IsDefined()) return;  // an empty file: validate() says what is missing
  Field top{root, "", line_of(root) ? line_of(root) : 1};
  if (!root.IsMap()) {
    draft.top_level_invalid = true;
    reader.error(top.line,
                 "the top level must be a mapping (server:, endpoints:, handlers:, ...), got " +
                     describe(root));
    return;
  }
  MapWalker walker(reader, top);
  walker.on("server", [&](const Field& f) { read_server(reader, f, draft); });
  walker.on("admin", [&](const Field& f) { read_admin(reader, f, draft); });
  walker.on("endpoints", [&](const Field& f) { read_endpoints(reader, f, draft); });
  walker.on("store", [&](const Field& f) { read_store(reader, f, draft.config.store); });
  walker.on("delivery", [&](const Field& f) { read_delivery(reader, f, draft); });
  walker.on("handlers", [&](const Field& f) { read_handlers(reader, f, draft); });
  walker.on("logging", [&](const Field& f) { read_logging(reader, f, draft.config.logging); });
  walker.run();
}

}  // namespace slwd::config::detail
