#include "head_reading.hpp"

namespace slwd::http {
namespace {

constexpr std::string_view kHeadEnd = "\r\n\r\n";

}  // namespace

std::size_t leading_empty_lines(std::string_view buffered) {
  std::size_t n = 0;
  while (buffered.substr(n, 2) == "\r\n") n += 2;
  return n;
}

HeadSearch find_head_end(std::string_view buffered, std::size_t scanned) {
  HeadSearch search;
  // The blank line may straddle the previous search's end: look back 3 bytes.
  const std::size_t from = scanned >= 3 ? scanned - 3 : 0;
  const std::size_t pos = buffered.find(kHeadEnd, from);
  if (pos == std::string_view::npos) {
    // +2: a head of exactly kMaxHeadBytes may still be followed by its blank line's CRLF.
    if (buffered.size() > kMaxHeadBytes + 2) search.status = HeadSearch::Status::too_large;
    search.scanned = buffered.size();
    return search;
  }
  // The head counts up to its last header line's CRLF, without the blank line.
  if (pos + 2 > kMaxHeadBytes) {
    search.status = HeadSearch::Status::too_large;
    return search;
  }
  search.status = HeadSearch::Status::complete;
  search.length = pos + kHeadEnd.size();
  return search;
}

HeadReading read_head(std::string_view head_bytes) {
  HeadReading reading;
  reading.framing = check_framing(head_bytes);
  if (reading.framing.verdict != FramingVerdict::ok) {
    reading.refusal = reading.framing.verdict == FramingVerdict::not_implemented ? 501 : 400;
    return reading;
  }
  auto head = parse_head(head_bytes);
  if (!head) {
    reading.refusal = 400;
    return reading;
  }
  head->chunked = reading.framing.chunked;
  head->content_length = reading.framing.content_length;
  reading.head = std::move(head);
  return reading;
}

}  // namespace slwd::http
