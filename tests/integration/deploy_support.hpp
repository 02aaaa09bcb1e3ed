#pragma once
// Helpers for the deployment tests (deploy_test.cpp, deploy_manifests_test.cpp): where the
// repository and the build tree are, running tools (cmake, systemd-analyze, the container build
// script) with long timeouts, and reading the files under docker/.
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness.hpp"

namespace slwd::testing::deploy {

namespace fs = std::filesystem;

fs::path source_dir();  // the repository (from SLWD_FIXTURES_DIR = <repo>/tests/fixtures)
fs::path build_dir();   // the build tree (where SLWD_DAEMON_BIN was built)
fs::path docker_dir();  // <repo>/docker

// Runs argv (argv[0] looked up in PATH) to completion with `env` added to ours; kills it after
// `timeout` (exit_code -1 then).
ProcessResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {},
                          std::chrono::seconds timeout = std::chrono::seconds(120));

// True when `program` is found in PATH.
bool have_program(const std::string& program);

// `cmake --install <build tree> --prefix <prefix>`: the install target, for real.
ProcessResult install_into(const fs::path& prefix);

// Every *.yaml / *.yml file under docker/, sorted.
std::vector<fs::path> docker_yaml_files();

// A systemd unit's assignments, KEY -> values in order (repeats kept), sections ignored.
std::map<std::string, std::vector<std::string>> read_unit(const fs::path& unit);

// "20s", "45s", "5m", "2h" (systemd and config durations as the files here write them) -> seconds.
std::optional<long> duration_seconds(const std::string& text);

// The ${NAME} references of `text` that have no default (`${NAME:-x}` has one).
std::set<std::string> required_variables(const std::string& text);

// Runs `smartlead-webhookd check-config` on `yaml` (written to a temp file) with `env`.
ProcessResult check_config(const std::string& yaml, const std::map<std::string, std::string>& env);

// "host:port" -> port.
int listen_port(const std::string& listen);

}  // namespace slwd::testing::deploy
