// Incremental chunked decoding (RFC 9112 §7.1) with the SPEC §4 limits: a byte-level state
// machine so that reads may split the input anywhere, and so that it stops on the last byte
// of the message (pipelined requests behind it stay in the caller's buffer).
#include <algorithm>
#include <cstdint>
#include <limits>

#include "slwd/http/framing.hpp"

namespace slwd::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// CTLs other than HTAB never belong in a size line or a trailer: NUL, bare CR/LF, ...
bool is_forbidden_ctl(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return (c < 0x20 && c != '\t') || c == 0x7F;
}

}  // namespace

ChunkedDecoder::ChunkedDecoder(std::size_t max_body) : max_body_(max_body) {}

ChunkedDecoder::Status ChunkedDecoder::fail(Status status) {
  state_ = State::failed;
  failure_ = status;
  return status;
}

ChunkedDecoder::Status ChunkedDecoder::feed(std::string_view input, std::size_t& consumed,
                                            std::string& body) {
  consumed = 0;
  if (state_ == State::finished) return Status::done;
  if (state_ == State::failed) return failure_;

  std::size_t i = 0;
  const std::size_t n = input.size();
  while (i < n) {
    const char c = input[i];
    switch (state_) {
      case State::size: {
        const int digit = hex_value(c);
        if (digit < 0) {
          if (digits_ == 0) return fail(Status::bad_request);  // no size at all
          state_ = State::size_ws;
          continue;  // look at c again in size_ws
        }
        if (remaining_ > (std::numeric_limits<std::uint64_t>::max() >> 4)) {
          return fail(Status::bad_request);  // the size overflows 64 bits
        }
        remaining_ = (remaining_ << 4) | static_cast<std::uint64_t>(digit);
        ++digits_;
        if (++line_bytes_ > kMaxChunkLineBytes) return fail(Status::bad_request);
        ++i;
        break;
      }
      case State::size_ws:
        // "5 6" must not read as 5: only whitespace, then an extension or the line end.
        if (c == '\r') {
          state_ = State::size_lf;
        } else if (c == ';') {
          state_ = State::extension;
        } else if (c != ' ' && c != '\t') {
          return fail(Status::bad_request);
        }
        if (c != '\r' && ++line_bytes_ > kMaxChunkLineBytes) return fail(Status::bad_request);
        ++i;
        break;
      case State::extension:
        // Extensions are not interpreted, only bounded and kept free of line-breaking bytes.
        if (c == '\r') {
          state_ = State::size_lf;
        } else if (is_forbidden_ctl(c)) {
          return fail(Status::bad_request);
        } else if (++line_bytes_ > kMaxChunkLineBytes) {
          return fail(Status::bad_request);
        }
        ++i;
        break;
      case State::size_lf:
        if (c != '\n') return fail(Status::bad_request);
        ++i;
        line_bytes_ = 0;
        digits_ = 0;
        if (remaining_ == 0) {
          state_ = State::trailer;  // last-chunk: the trailer section follows
        } else if (remaining_ > max_body_ || decoded_ > max_body_ - remaining_) {
          // Refused when announced, before a byte of it is buffered.
          return fail(Status::too_large);
        } else {
          state_ = State::data;
        }
        break;
      case State::data: {
        const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, n - i));
        body.append(input.data() + i, take);
        i += take;
        remaining_ -= take;
        decoded_ += take;
        if (remaining_ == 0) state_ = State::data_cr;
        break;
      }
      case State::data_cr:
        if (c != '\r') return fail(Status::bad_request);
        state_ = State::data_lf;
        ++i;
        break;
      case State::data_lf:
        if (c != '\n') return fail(Status::bad_request);
        state_ = State::size;
        ++i;
        break;
      case State::trailer:
        // Trailer fields are read past and dropped; the section ends at an empty line.
        if (c == '\r') {
          state_ = State::trailer_lf;
        } else if (is_forbidden_ctl(c)) {
          return fail(Status::bad_request);
        } else {
          ++trailer_line_;
          if (++trailer_bytes_ > kMaxTrailerBytes) return fail(Status::bad_request);
        }
        ++i;
        break;
      case State::trailer_lf:
        if (c != '\n') return fail(Status::bad_request);
        ++i;
        if (trailer_line_ == 0) {
          state_ = State::finished;
          consumed = i;
          return Status::done;
        }
        trailer_line_ = 0;
        trailer_bytes_ += 2;  // the field line's CRLF counts toward the section
        if (trailer_bytes_ > kMaxTrailerBytes) return fail(Status::bad_request);
        state_ = State::trailer;
        break;
      case State::finished:
      case State::failed:
        consumed = i;  // unreachable: both return as soon as they are entered
        return state_ == State::finished ? Status::done : failure_;
    }
  }
  consumed = i;
  return Status::need_more;
}

}  // namespace slwd::http
