#include "slwd/events/json_body.hpp"

#include <cstring>
#include <new>

#include "slwd/events/json_depth.hpp"
#include "slwd/events/json_fallback.hpp"

namespace slwd::events {
namespace {

namespace dom = simdjson::dom;

// A parser keeps buffers for the largest document it has parsed (about 15 bytes per input byte:
// tape, structural indexes, strings, a padded copy). Each io thread keeps one, so ordinary bodies
// allocate nothing; bodies above this size (server.max_body allows 4 MiB by default) get a parser
// of their own, freed with the result, so one large body doesn't pin ~60 MiB per thread.
constexpr std::size_t kRetainedBodySize = 64 * 1024;

JsonBody refused(std::string reason) {
  JsonBody out;
  out.error = std::move(reason);
  return out;
}

dom::parser& parser_for(std::size_t body_size, std::unique_ptr<dom::parser>& own) {
  thread_local dom::parser per_thread;
  if (body_size <= kRetainedBodySize) return per_thread;
  own = std::make_unique<dom::parser>();
  return *own;
}

}  // namespace

JsonBody parse_json_body(std::string_view body) {
  if (body.empty()) return refused("empty body");
  // Before any parser, so a deeply nested body costs one linear scan and no allocation.
  if (!json_depth_within(body, kMaxJsonDepth)) return refused("nesting deeper than 64");
  // nlohmann's lexer takes a raw NUL outside strings as end of input, so "{..}\0junk" would
  // pass it; a raw NUL is never valid JSON anywhere, so it is refused here for both parsers.
  if (const void* nul = std::memchr(body.data(), '\0', body.size())) {
    const auto at = static_cast<const char*>(nul) - body.data() + 1;
    return refused("not valid JSON at byte " + std::to_string(at));
  }

  JsonBody out;
  try {
    dom::parser& parser = parser_for(body.size(), out.own_parser);
    // The body is copied into the parser's padded buffer (its view has no padding guarantee).
    if (parser.parse(body.data(), body.size()).get(out.root) == simdjson::SUCCESS) return out;

    // simdjson refused. nlohmann accepts a few such bodies (integers beyond 64 bits, a leading
    // BOM) and, unlike simdjson, names the byte at fault: its verdict and reason stand.
    FallbackVerdict verdict = nlohmann_verdict(body);
    if (!verdict.error.empty()) return refused(std::move(verdict.error));
    // nlohmann accepted: read its re-serialisation, so that extraction has one path, over
    // simdjson's DOM.
    if (parser.parse(verdict.normalised).get(out.root) == simdjson::SUCCESS) return out;
  } catch (const std::bad_alloc&) {
    return refused("too large to parse");
  }
  return refused("unparseable");
}

}  // namespace slwd::events
