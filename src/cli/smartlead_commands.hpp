#pragma once
// The `smartlead webhooks ...` subcommand tree: registered on the app before parsing, run
// after it. Errors are printed here as one line — usage errors exit 2, failed calls exit 1 —
// with the API key removed from anything printed.
#include <string>

#include "smartlead_session.hpp"
#include "smartlead_webhooks.hpp"

namespace CLI {
class App;
}

namespace slwd::cli {

class SmartleadCommands {
 public:
  explicit SmartleadCommands(CLI::App& app);
  SmartleadCommands(const SmartleadCommands&) = delete;
  SmartleadCommands& operator=(const SmartleadCommands&) = delete;

  // True when the command line named one of these subcommands.
  bool selected() const;
  // Runs it and returns the exit code.
  int run();

 private:
  int dispatch(SmartleadSession& session);

  // CLI11 writes into these while parsing; only one subcommand runs, so they are shared.
  SmartleadAccess access_;
  WebhookFlags flags_;
  RangeFlags range_;
  std::string id_;

  CLI::App* smartlead_ = nullptr;
  CLI::App* list_ = nullptr;
  CLI::App* get_ = nullptr;
  CLI::App* create_ = nullptr;
  CLI::App* update_ = nullptr;
  CLI::App* delete_ = nullptr;
  CLI::App* summary_ = nullptr;
  CLI::App* retrigger_ = nullptr;
};

}  // namespace slwd::cli
