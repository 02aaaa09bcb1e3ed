#include "smartlead_commands.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "smartlead_input.hpp"
#include "smartlead_url.hpp"

namespace slwd::cli {
namespace {

std::string one_line(std::string message) {
  for (auto& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return message;
}

}  // namespace

SmartleadCommands::SmartleadCommands(CLI::App& app) {
  smartlead_ = app.add_subcommand("smartlead", "manage the webhooks on the SmartLead side");
  smartlead_->require_subcommand(1);
  auto* webhooks = smartlead_->add_subcommand(
      "webhooks", "list, get, create, update, delete webhooks; delivery summary and retrigger");
  webhooks->require_subcommand(1);

  // After the subcommand, like --config elsewhere (SPEC §2).
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("--api-key", access_.api_key,
                    "SmartLead API key (default: $SMARTLEAD_API_KEY, which keeps it out of ps)");
    cmd->add_option("--base-url", access_.base_url, "API base URL")->capture_default_str();
    cmd->add_flag("--json", access_.json, "print SmartLead's JSON answer");
    return cmd;
  };
  auto describe = [&](CLI::App* cmd, bool for_update) {
    cmd->add_option("--name", flags_.name, "webhook name");
    cmd->add_option("--url", flags_.url, "where SmartLead posts (https)");
    cmd->add_option("--events", flags_.events,
                    "event types, comma-separated (aliases accepted; `all` = the 11)")
        ->delimiter(',');
    cmd->add_option("--categories", flags_.categories, "lead category ids, comma-separated")
        ->delimiter(',');
    cmd->add_flag("--allow-http", flags_.allow_http, "accept an http:// --url");
    if (for_update) return;
    cmd->add_option("--level", flags_.level, "user | client | campaign")
        ->check(CLI::IsMember({"user", "client", "campaign"}));
    cmd->add_option("--campaign", flags_.campaign, "campaign id (--level campaign)");
    cmd->add_option("--client", flags_.client, "client id (--level client)");
  };
  auto range = [&](CLI::App* cmd) {
    cmd->add_option("--campaign", range_.campaign, "campaign id")->required();
    cmd->add_option("--from", range_.from, "from (ISO-8601)")->required();
    cmd->add_option("--to", range_.to, "to (ISO-8601)")->required();
  };

  list_ = common(webhooks->add_subcommand("list", "a campaign's webhooks"));
  list_->add_option("--campaign", range_.campaign, "campaign id")->required();

  get_ = common(webhooks->add_subcommand("get", "one webhook"));
  get_->add_option("id", id_, "webhook id")->required();

  create_ = common(webhooks->add_subcommand(
      "create", "create a webhook, or one per endpoint of a config (--from-config)"));
  describe(create_, false);
  create_->add_option("--from-config", flags_.from_config,
                      "register every endpoint of this config; --url is the public base URL");
  create_->add_flag("--allow-duplicates", flags_.allow_duplicates,
                    "--from-config at user/client level: create without checking (the API "
                    "cannot list those webhooks)");

  update_ = common(webhooks->add_subcommand("update", "change a webhook (unset fields are kept)"));
  update_->add_option("id", id_, "webhook id")->required();
  describe(update_, true);

  delete_ = common(webhooks->add_subcommand("delete", "delete a webhook"));
  delete_->add_option("id", id_, "webhook id")->required();

  summary_ = common(webhooks->add_subcommand("summary", "a campaign's webhook delivery summary"));
  range(summary_);

  retrigger_ = common(webhooks->add_subcommand(
      "retrigger", "send a campaign's failed webhook events again"));
  range(retrigger_);
}

bool SmartleadCommands::selected() const { return smartlead_->parsed(); }

int SmartleadCommands::dispatch(SmartleadSession& session) {
  if (list_->parsed()) return webhooks_list(session, range_.campaign);
  if (get_->parsed()) return webhooks_get(session, id_);
  if (create_->parsed()) return webhooks_create(session, flags_);
  if (update_->parsed()) return webhooks_update(session, id_, flags_);
  if (delete_->parsed()) return webhooks_delete(session, id_);
  if (summary_->parsed()) return webhooks_summary(session, range_);
  if (retrigger_->parsed()) return webhooks_retrigger(session, range_);
  throw UsageError("smartlead webhooks needs a subcommand");
}

int SmartleadCommands::run() {
  SmartleadSession session(access_);
  // Every message passes through redact(): SmartLead or libcurl might echo the URL.
  auto report = [&](const std::exception& e) {
    std::cerr << "smartlead-webhookd: " << one_line(redact(e.what(), session.api_key())) << "\n";
  };
  try {
    return dispatch(session);
  } catch (const UsageError& e) {
    report(e);
    return 2;
  } catch (const std::exception& e) {
    report(e);
    return 1;
  }
}

}  // namespace slwd::cli
