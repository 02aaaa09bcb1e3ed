#pragma once
// The subcommands, each in its own file. Private to the cli part.
#include <optional>
#include <string>
#include <vector>

namespace slwd::config {
struct Config;
}

namespace slwd::cli {

struct ServeOptions {
  std::string config_path;  // empty: $SMARTLEAD_WEBHOOKD_CONFIG, else built-in defaults
  bool insecure_no_signature = false;
};
int serve(const ServeOptions& options);

int check_config(const std::string& path);

struct SendOptions {
  std::string url;
  std::string secret;
  std::string event;      // a type for the built-in sample, or empty
  std::string body_file;  // or a file sent byte for byte
  std::string request_id;
  unsigned count = 1;
  unsigned concurrency = 1;
};
int send(const SendOptions& options);

int sign(const std::string& secret, const std::string& file);

struct DlqOptions {
  std::string config_path;
  std::optional<std::string> handler;
  bool json = false;
  bool all = false;
  std::vector<std::string> ids;
};
int dlq_list(const DlqOptions& options);
int dlq_replay(const DlqOptions& options);
int dlq_purge(const DlqOptions& options);
int quarantine_list(const std::string& config_path, bool json);

// Loads a config file for a subcommand; prints every problem as FILE:LINE: message and
// returns nullopt when it does not load.
std::optional<config::Config> load_or_report(const std::string& path);

// Reads a whole file (or stdin for "-" / empty); throws std::runtime_error naming it.
std::string read_input(const std::string& path);

}  // namespace slwd::cli
