#include "schema.hpp"
#include "secret_file.hpp"

namespace slwd::config::detail {

void register_secret_pair(Reader& reader, MapWalker& walker, SecretPair& pair) {
  walker.on(pair.key, [&reader, &pair](const Field& field) {
    pair.inline_line = field.line;
    if (auto value = reader.text(field))
      pair.value = std::move(value);
    else
      pair.failed = true;
  });
  walker.on(pair.key + "_file", [&reader, &pair](const Field& field) {
    pair.file_line = field.line;
    auto path = reader.non_empty_text(field);
    if (!path) {
      pair.failed = true;
      return;
    }
    auto read = read_secret_file(*path);
    if (!read.error.empty()) {
      reader.error(field.line, field.path + ": " + read.error);
      pair.failed = true;
      return;
    }
    pair.value = std::move(read.content);
  });
}

bool resolve_secret_pair(Reader& reader, const MapWalker& walker, SecretPair& pair) {
  if (pair.inline_line && pair.file_line) {
    int later = std::max(pair.inline_line, pair.file_line);
    reader.error(later, walker.path(pair.key) + ": both \"" + pair.key + "\" and \"" + pair.key +
                            "_file\" are given; use one");
    pair.failed = true;
    pair.value.reset();
    return false;
  }
  return true;
}

}  // namespace slwd::config::detail
