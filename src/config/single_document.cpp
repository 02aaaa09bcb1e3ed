#include "single_document.hpp"

#include <yaml-cpp/eventhandler.h>

#include <sstream>

namespace slwd::config::detail {
namespace {

// Remembers where the first node of the document being parsed starts; builds nothing.
class FirstNodeMark : public YAML::EventHandler {
 public:
  YAML::Mark mark = YAML::Mark::null_mark();

  void OnDocumentStart(const YAML::Mark&) override { mark = YAML::Mark::null_mark(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { first(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { first(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override {
    first(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    first(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    first(m);
  }
  void OnMapEnd() override {}

 private:
  void first(const YAML::Mark& m) {
    if (mark.is_null()) mark = m;
  }
};

}  // namespace

SingleDocument read_single_document(std::string_view yaml) {
  const std::string text(yaml);
  SingleDocument out;
  out.root = YAML::Load(text);  // one document: stops after the first

  // Is there a second one? Not YAML::LoadAll: yaml-cpp 0.7 (Debian 12) loops forever, adding a
  // null document per turn until memory runs out, when a stray ',' follows a flow collection or
  // stands alone ("[a]\n," or ",") — jbeder/yaml-cpp#1040, fixed upstream by PR #1319. The
  // parser is asked for two documents at most, so it ends on any input.
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  FirstNodeMark marks;
  int documents = 0;
  while (documents < 2 && parser.HandleNextDocument(marks)) ++documents;
  if (documents < 2) return out;

  out.extra_line = marks.mark.is_null() || marks.mark.line < 0 ? 1 : marks.mark.line + 1;
  const auto pos = marks.mark.is_null() ? std::string::npos : static_cast<std::size_t>(marks.mark.pos);
  // The stray-',' case: a "document" yaml-cpp makes of a token no node can start with.
  if (pos < text.size() && text[pos] == ',') {
    out.extra = "YAML syntax error: unexpected ',' outside a flow collection";
  } else {
    out.extra = "only one YAML document is allowed (found a second \"---\")";
  }
  return out;
}

}  // namespace slwd::config::detail
