#pragma once
// SPEC §4 rows 1-2: message framing checks that Boost 1.81's parser does not make for us,
// run on the raw bytes of the request head before anything else looks at it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace slwd::http {

inline constexpr std::size_t kMaxHeadBytes = 16384;       // row 2: request line + headers
inline constexpr std::size_t kMaxChunkLineBytes = 4096;   // row 1: chunk-size line
inline constexpr std::size_t kMaxTrailerBytes = 4096;     // row 1: trailer section

enum class FramingVerdict { ok, bad_request, not_implemented };  // ok / 400 / 501

struct Framing {
  FramingVerdict verdict = FramingVerdict::ok;
  std::string reason;  // for the debug log; never sent to the client
  bool chunked = false;
  std::optional<std::uint64_t> content_length;  // absent and not chunked = empty body
};

// `head` is the request line and header fields up to and including the blank line.
Framing check_framing(std::string_view head);

// Decodes a chunked body incrementally, enforcing the chunk-line, trailer and body limits.
class ChunkedDecoder {
 public:
  enum class Status { need_more, done, bad_request, too_large };
  explicit ChunkedDecoder(std::size_t max_body);
  // Consumes what it can of `input` (sets `consumed`), appending decoded bytes to `body`.
  // After `done`, bytes past `consumed` belong to the next (pipelined) request.
  Status feed(std::string_view input, std::size_t& consumed, std::string& body);

 private:
  // One state per byte position of the chunked grammar, so input may be split anywhere.
  enum class State {
    size,       // hex digits of chunk-size
    size_ws,    // after the digits: BWS, then ';' or CR
    extension,  // after ';': chunk-ext up to CR (not interpreted)
    size_lf,    // CR of the size line seen, LF expected
    data,       // chunk-data, remaining_ bytes left
    data_cr,    // CRLF after chunk-data
    data_lf,
    trailer,     // inside a trailer field line (or at the start of the final CRLF)
    trailer_lf,  // CR of a trailer line seen, LF expected
    finished,
    failed,
  };
  Status fail(Status status);

  std::size_t max_body_;
  State state_ = State::size;
  Status failure_ = Status::bad_request;
  std::uint64_t remaining_ = 0;    // chunk-size being read, then bytes left of its data
  std::uint64_t decoded_ = 0;      // body bytes produced so far (against max_body_)
  std::size_t line_bytes_ = 0;     // bytes of the current size line, CRLF excluded
  std::size_t digits_ = 0;         // hex digits of the current size line
  std::size_t trailer_bytes_ = 0;  // bytes of the trailer section so far
  std::size_t trailer_line_ = 0;   // bytes of the current trailer line, CRLF excluded
};

}  // namespace slwd::http
