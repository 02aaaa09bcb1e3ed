#include "deploy_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace slwd::testing::deploy {

fs::path source_dir() {
  return fs::weakly_canonical(fs::path(SLWD_FIXTURES_DIR) / ".." / "..");
}

fs::path build_dir() {
  return fs::path(SLWD_DAEMON_BIN).parent_path();
}

fs::path docker_dir() {
  return source_dir() / "docker";
}

ProcessResult run_command(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env,
                          std::chrono::seconds timeout) {
  TempDir dir;
  std::map<std::string, std::string> all;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) all[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : env) all[k] = v;
  std::vector<std::string> env_s;
  for (const auto& [k, v] : all) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_s = argv;
  std::vector<char*> args;
  for (auto& a : argv_s) args.push_back(a.data());
  args.push_back(nullptr);

  const std::string out = dir.file("out"), err = dir.file("err");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ProcessResult r;
  if (rc != 0) {
    r.err = std::string("posix_spawnp ") + argv[0] + ": " + std::strerror(rc);
    return r;
  }
  int status = 0;
  bool done = eventually([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!done) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  } else if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    r.exit_code = 128 + WTERMSIG(status);
  }
  r.out = read_file(out);
  r.err = read_file(err);
  if (!done) r.err += "\n[killed after " + std::to_string(timeout.count()) + " s]";
  return r;
}

bool have_program(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::istringstream in(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(in, dir, ':');) {
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

ProcessResult install_into(const fs::path& prefix) {
  return run_command({"cmake", "--install", build_dir().string(), "--prefix", prefix.string()});
}

std::vector<fs::path> docker_yaml_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(docker_dir())) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::map<std::string, std::vector<std::string>> read_unit(const fs::path& unit) {
  std::map<std::string, std::vector<std::string>> keys;
  std::istringstream in(read_file(unit.string()));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line[0] == ';' || line[0] == '[') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    keys[line.substr(0, eq)].push_back(line.substr(eq + 1));
  }
  return keys;
}

std::optional<long> duration_seconds(const std::string& text) {
  static const std::regex re(R"(^\s*(\d+)\s*(ms|s|m|h|d)?\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  long n = std::stol(m[1]);
  std::string unit = m[2];
  if (unit == "ms") return n / 1000;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  if (unit == "d") return n * 86400;
  return n;  // "s" or bare seconds (systemd's default unit)
}

std::set<std::string> required_variables(const std::string& text) {
  static const std::regex re(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)\})");
  std::set<std::string> names;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

ProcessResult check_config(const std::string& yaml, const std::map<std::string, std::string>& env) {
  TempDir dir;
  write_file(dir.file("config.yaml"), yaml);
  return run_command({SLWD_DAEMON_BIN, "check-config", "--config", dir.file("config.yaml")}, env);
}

int listen_port(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("no port in " + listen);
  return std::stoi(listen.substr(colon + 1));
}

}  // namespace slwd::testing::deploy
