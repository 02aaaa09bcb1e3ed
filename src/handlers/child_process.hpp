#pragma once
// Runs one program to completion, without a shell, under a deadline: the plumbing behind the
// `command` handler, kept apart so the handler only maps results to outcomes.
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace slwd::handlers {

struct ChildSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::vector<std::pair<std::string, std::string>> extra_env;  // set on top of ours
  std::string input;                                           // written to stdin, then EOF
  std::chrono::milliseconds timeout{10000};
  std::size_t output_cap = 64 * 1024;  // stdout and stderr combined; the rest is discarded
};

struct ChildResult {
  // lost: it ran, but its exit status was taken by someone else (SIGCHLD set to ignore).
  enum class Status { exited, signaled, timed_out, not_started, lost };
  Status status = Status::not_started;
  int code = 0;        // exit status, or the signal's number
  std::string output;  // at most output_cap bytes
  std::string error;   // why it did not start (not_started)
};

// The child gets its own process group, default signal dispositions and an empty signal mask,
// our environment plus `extra_env`, and no descriptor but 0, 1, 2. At the timeout its whole
// group gets SIGTERM, then SIGKILL after a short grace. Every child is reaped; processes it left
// behind after exiting on its own are not touched. Never blocks past timeout + about 1 s.
ChildResult run_child(const ChildSpec& spec);

}  // namespace slwd::handlers
