#pragma once
// The command line of SPEC §2. Each subcommand is a thin call into the parts.
namespace slwd::cli {

// Parses argv and runs the subcommand; returns the process exit code. Unknown subcommands,
// flags or bad values print exactly one line on stderr and return 2.
int run(int argc, char** argv);

}  // namespace slwd::cli
