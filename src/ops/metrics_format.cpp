// Text exposition format 0.0.4: escaping and number spelling.
#include <charconv>
#include <cmath>
#include <cstdint>

#include "slwd/ops/metrics.hpp"

namespace slwd::ops {
namespace {

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  return escape(value, true);
}
std::string escape_help(std::string_view help) {
  return escape(help, false);
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  // Whole numbers a double holds exactly (byte counts, queue sizes, le="10") read best plain.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<std::int64_t>(value));
    return std::string(buf, end);
  }
  // Otherwise the shortest round-trip digits, laid out as Go's FormatFloat(v, 'g', -1) does
  // (Prometheus' own clients): exponent form below 1e-4 and from 1e6, so le="0.0005".
  auto [sci_end, sci_ec] =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(sci_end - buf));
  int exponent = 0;
  std::string_view exp_text = sci.substr(sci.find('e') + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  if (exponent < -4 || exponent >= 6) return std::string(sci);
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  return std::string(buf, end);
}

}  // namespace slwd::ops
