#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.hpp"
#include "smartlead_commands.hpp"
#include "slwd/cli/cli.hpp"
#include "slwd/version.hpp"

namespace slwd::cli {
namespace {

// CLI11 prints usage blocks on errors; SPEC §2 wants exactly one line.
std::string one_line(std::string message) {
  for (auto& c : message) {
    if (c == '\n') c = ' ';
  }
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return message;
}

void add_dlq_selection(CLI::App* cmd, DlqOptions& o) {
  auto* all = cmd->add_flag("--all", o.all, "every dead letter");
  auto* ids = cmd->add_option("--id", o.ids, "dead letter ids")->expected(1, -1);
  all->excludes(ids);
  cmd->add_option("--handler", o.handler, "only this handler's dead letters");
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"smartlead-webhookd: receive, verify, record and deliver SmartLead webhooks",
               "smartlead-webhookd"};
  app.set_version_flag("--version", std::string("smartlead-webhookd ") + kVersion);
  app.require_subcommand(0, 1);

  ServeOptions serve_options;
  app.add_option("--config", serve_options.config_path, "config file (serve)");
  auto* serve_cmd = app.add_subcommand("serve", "run the daemon (the default)");
  serve_cmd->add_option("--config", serve_options.config_path, "config file");
  serve_cmd->add_flag("--insecure-no-signature", serve_options.insecure_no_signature,
                      "built-in defaults only: accept unsigned requests");

  std::string check_path;
  auto* check_cmd = app.add_subcommand("check-config", "validate a config file");
  check_cmd->add_option("--config", check_path, "config file")->required();

  std::string sign_secret, sign_file;
  auto* sign_cmd = app.add_subcommand("sign", "print sha256=<hex> for FILE or stdin");
  sign_cmd->add_option("--secret", sign_secret, "signing secret")->required();
  sign_cmd->add_option("file", sign_file, "file to sign (default: stdin)");

  SendOptions send_options;
  auto* send_cmd = app.add_subcommand("send", "post signed events");
  send_cmd->add_option("--url", send_options.url, "endpoint URL")->required();
  send_cmd->add_option("--secret", send_options.secret, "signing secret")->required();
  auto* ev = send_cmd->add_option("--event", send_options.event, "built-in sample of this type");
  auto* body = send_cmd->add_option("--body", send_options.body_file, "file sent byte for byte");
  ev->excludes(body);
  send_cmd->add_option("--request-id", send_options.request_id, "X-Request-Id (ID-1..ID-N with --count)");
  send_cmd->add_option("--count", send_options.count, "how many")->check(CLI::Range(1u, 100000000u));
  send_cmd->add_option("--concurrency", send_options.concurrency, "connections")
      ->check(CLI::Range(1u, 1024u));

  DlqOptions dlq_options;
  auto* dlq_cmd = app.add_subcommand("dlq", "inspect and replay dead letters");
  dlq_cmd->require_subcommand(1);
  auto* dlq_list_cmd = dlq_cmd->add_subcommand("list", "list dead letters");
  dlq_list_cmd->add_option("--config", dlq_options.config_path, "config file")->required();
  dlq_list_cmd->add_option("--handler", dlq_options.handler, "only this handler");
  dlq_list_cmd->add_flag("--json", dlq_options.json, "JSON array");
  auto* dlq_replay_cmd = dlq_cmd->add_subcommand("replay", "make dead letters due again");
  dlq_replay_cmd->add_option("--config", dlq_options.config_path, "config file")->required();
  add_dlq_selection(dlq_replay_cmd, dlq_options);
  auto* dlq_purge_cmd = dlq_cmd->add_subcommand("purge", "delete dead letters");
  dlq_purge_cmd->add_option("--config", dlq_options.config_path, "config file")->required();
  add_dlq_selection(dlq_purge_cmd, dlq_options);

  std::string quarantine_path;
  bool quarantine_json = false;
  auto* q_cmd = app.add_subcommand("quarantine", "authentic bodies refused with 400");
  q_cmd->require_subcommand(1);
  auto* q_list = q_cmd->add_subcommand("list", "list quarantined bodies");
  q_list->add_option("--config", quarantine_path, "config file")->required();
  q_list->add_flag("--json", quarantine_json, "JSON array");

  auto* version_cmd = app.add_subcommand("version", "print the version");

  SmartleadCommands smartlead_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "smartlead-webhookd: " << one_line(e.what()) << " (see --help)\n";
    return 2;
  }

  try {
    if (*version_cmd) {
      std::cout << "smartlead-webhookd " << kVersion << "\n";
      return 0;
    }
    if (*check_cmd) return check_config(check_path);
    if (*sign_cmd) return sign(sign_secret, sign_file);
    if (*send_cmd) {
      if (send_options.event.empty() && send_options.body_file.empty()) {
        std::cerr << "smartlead-webhookd: send needs --event TYPE or --body FILE\n";
        return 2;
      }
      return send(send_options);
    }
    if (*dlq_list_cmd) return dlq_list(dlq_options);
    if (*dlq_replay_cmd || *dlq_purge_cmd) {
      if (!dlq_options.all && dlq_options.ids.empty()) {
        std::cerr << "smartlead-webhookd: dlq " << (*dlq_replay_cmd ? "replay" : "purge")
                  << " needs --all or --id ID...\n";
        return 2;
      }
      return *dlq_replay_cmd ? dlq_replay(dlq_options) : dlq_purge(dlq_options);
    }
    if (*q_list) return quarantine_list(quarantine_path, quarantine_json);
    if (smartlead_commands.selected()) return smartlead_commands.run();
    return serve(serve_options);
  } catch (const std::exception& e) {
    std::cerr << "smartlead-webhookd: " << one_line(e.what()) << "\n";
    return 1;
  }
}

}  // namespace slwd::cli
