#pragma once
// The schema walk: one function per section fills a Draft (the Config plus the lines that the
// cross-field checks in validate.cpp need). Sections are split across schema_*.cpp.
#include <optional>
#include <string>
#include <vector>

#include "reader.hpp"
#include "slwd/config/config.hpp"

namespace slwd::config::detail {

// Sets `target` when the read succeeded; keeps the default otherwise (the error is recorded).
template <typename T, typename U>
void assign(T& target, const std::optional<U>& value) {
  if (value) target = static_cast<T>(*value);
}

struct Located {
  std::string value;
  int line = 0;
};

struct EndpointDraft {
  int line = 0;  // the list item
  int path_line = 0;
  int secrets_line = 0;            // `secrets` or `secrets_file`, whichever was given
  bool secrets_failed = false;     // already reported: no follow-on "no secrets" error
  int require_signature_line = 0;  // 0 = left at its default
  bool require_signature_failed = false;
  int handlers_line = 0;
  std::vector<Located> handler_refs;  // names as written, "all" included
};

// A handler's `retry:` only overrides what it names; the rest comes from delivery.retry, which
// may appear later in the file, so the merge happens after the walk.
struct RetryDraft {
  std::optional<int> max_attempts;
  std::optional<Duration> initial;
  std::optional<double> multiplier;
  std::optional<Duration> max;
  std::optional<bool> jitter;
  int line = 0;  // 0 = no retry: key
  int initial_line = 0;
  int max_line = 0;
};

struct HandlerDraft {
  int name_line = 0;
  RetryDraft retry;
  bool type_known = false;
};

struct Draft {
  Config config;
  bool top_level_invalid = false;  // reported; skip "no endpoints/handlers" follow-ons
  int server_listen_line = 0;
  int admin_listen_line = 0;
  int endpoints_line = 0;
  int handlers_line = 0;
  RetryDraft delivery_retry;  // lines only; values are written straight into config.delivery
  std::vector<EndpointDraft> endpoints;
  std::vector<HandlerDraft> handlers;
};

void read_document(Reader& reader, const YAML::Node& root, Draft& draft);

void read_server(Reader& reader, const Field& field, Draft& draft);
void read_admin(Reader& reader, const Field& field, Draft& draft);
void read_logging(Reader& reader, const Field& field, LoggingConfig& logging);
void read_store(Reader& reader, const Field& field, StoreConfig& store);
void read_delivery(Reader& reader, const Field& field, Draft& draft);
// Fills `retry` with what the mapping names; used by delivery.retry and handler retry.
void read_retry(Reader& reader, const Field& field, RetryDraft& retry);
void read_endpoints(Reader& reader, const Field& field, Draft& draft);
void read_handlers(Reader& reader, const Field& field, Draft& draft);

// Registers `key` and `key_file` on a walker; after run(), resolve_secret_pair() reports both
// given at once (at the later key) and stores the value. Used for secret-bearing keys.
struct SecretPair {
  explicit SecretPair(std::string name) : key(std::move(name)) {}
  std::string key;
  std::optional<std::string> value;  // from either form, after reading the file
  int inline_line = 0;
  int file_line = 0;
  bool failed = false;  // a reported error in either form: skip "required" checks
  int line() const { return file_line ? file_line : inline_line; }
  bool given() const { return inline_line || file_line; }
};
void register_secret_pair(Reader& reader, MapWalker& walker, SecretPair& pair);
// False (after reporting) when both forms were given.
bool resolve_secret_pair(Reader& reader, const MapWalker& walker, SecretPair& pair);

// Cross-field checks and the handler retry merge, after the whole document was read.
void validate(Reader& reader, Draft& draft);

}  // namespace slwd::config::detail
