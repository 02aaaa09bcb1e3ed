#include "slwd/events/json_fallback.hpp"

#include <new>
#include <nlohmann/json.hpp>

namespace slwd::events {
namespace {

using nlohmann::json;

FallbackVerdict refused(std::string reason) { return {std::move(reason), {}}; }

std::string parse_error_reason(const json::parse_error& e) {
  // nlohmann's byte is 1-based: the position of the byte that made the text invalid.
  const std::string at = " at byte " + std::to_string(e.byte);
  const std::string_view what = e.what();
  if (what.find("UTF-8") != std::string_view::npos) return "invalid UTF-8" + at;
  if (what.find("surrogate") != std::string_view::npos) return "invalid unicode escape" + at;
  return "not valid JSON" + at;
}

}  // namespace

FallbackVerdict nlohmann_verdict(std::string_view body) {
  try {
    // Strict: no comments, no trailing data.
    const json document = json::parse(body.begin(), body.end(), /*cb=*/nullptr,
                                      /*allow_exceptions=*/true, /*ignore_comments=*/false);
    // dump() writes integers beyond 64 bits as the doubles nlohmann read them as, and drops a
    // BOM: text simdjson reads as the same document nlohmann holds.
    return {{}, document.dump()};
  } catch (const json::parse_error& e) {
    return refused(parse_error_reason(e));
  } catch (const json::out_of_range&) {
    // A number beyond double range (1e400): valid grammar, but not representable; an authentic
    // SmartLead body never has one, and the quarantine keeps the bytes.
    return refused("number out of range");
  } catch (const std::bad_alloc&) {
    return refused("too large to parse");
  } catch (...) {
    return refused("unparseable");
  }
}

}  // namespace slwd::events
