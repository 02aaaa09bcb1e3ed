#include "slwd/cli/cli.hpp"

int main(int argc, char** argv) { return slwd::cli::run(argc, argv); }
