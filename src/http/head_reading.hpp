#pragma once
// The session's byte-level steps before the receiver decides, as pure functions of the bytes
// buffered so far: where the request head ends (SPEC §4 row 2), then framing (row 1) and
// Beast's parse of the head. The session and the http_request fuzz target run this same code.
#include <cstddef>
#include <optional>
#include <string_view>

#include "slwd/http/framing.hpp"
#include "slwd/http/request.hpp"

namespace slwd::http {

// Bytes of empty lines (CRLF) before a request line: RFC 9112 §2.2 says to ignore them.
std::size_t leading_empty_lines(std::string_view buffered);

struct HeadSearch {
  enum class Status { need_more, too_large, complete };
  Status status = Status::need_more;
  std::size_t length = 0;   // complete: bytes of the head, its blank line included
  std::size_t scanned = 0;  // need_more: bytes already searched, for the next call
};

// Finds the blank line ending the head in `buffered` (which starts at the request line);
// `scanned` is the previous call's HeadSearch::scanned, so a slow client costs linear time.
// too_large = answer 431: the head is over kMaxHeadBytes without its blank line.
HeadSearch find_head_end(std::string_view buffered, std::size_t scanned = 0);

struct HeadReading {
  std::optional<RequestHead> head;  // set when the request may go on to the receiver
  Framing framing;                  // the framing verdict (and, when ok, the body's framing)
  unsigned refusal = 0;             // without a head: 400 or 501, answered with close
};

// check_framing, then Beast's parser; the head carries the framing's view of the body (the
// strict one), never Beast's.
HeadReading read_head(std::string_view head_bytes);

}  // namespace slwd::http
