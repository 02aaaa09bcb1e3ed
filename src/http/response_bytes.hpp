#pragma once
// The bytes of one answer of the public port, rendered straight into a string.
//
// Every request ends in one of a dozen small answers; building a Beast response (a field
// container, an allocation per field) and running its serializer cost more than the whole
// HMAC check of the body. The text is exactly what Beast writes for the same message
// (response<string_body> with the fields set in this order, keep_alive() then
// prepare_payload()): tests/unit/http/response_bytes_test.cpp compares the two.
#include <string>

#include "slwd/http/request.hpp"

namespace slwd::http {

// `version` is the request's: 10 answers HTTP/1.0, anything else HTTP/1.1.
std::string render_response(const Response& response, unsigned version, bool keep_alive);

}  // namespace slwd::http
