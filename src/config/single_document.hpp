#pragma once
// The one YAML document of a config file, read so that no input can hang the loader.
#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace slwd::config::detail {

struct SingleDocument {
  YAML::Node root;    // the first document (a null node for an empty text)
  int extra_line = 0;  // > 0: the text goes on past that document, at this line
  std::string extra;   // then: what was found there, for the error message
};

// Throws YAML::ParserException on a syntax error, as YAML::Load does.
SingleDocument read_single_document(std::string_view yaml);

}  // namespace slwd::config::detail
