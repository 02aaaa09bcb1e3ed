#include "transfer.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace slwd::outbound::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Name: value" as libcurl wants it; "Name;" is its spelling of a header with an empty value
// ("Name:" alone would remove the header instead).
std::string header_line(const std::pair<std::string, std::string>& header) {
  if (header.second.empty()) return header.first + ";";
  return header.first + ": " + header.second;
}

bool has_header(const HttpRequest& request, std::string_view lowercase_name) {
  return std::any_of(request.headers.begin(), request.headers.end(),
                     [&](const auto& h) { return lowercase(h.first) == lowercase_name; });
}

}  // namespace

Transfer::Transfer() : easy_(curl_easy_init()) {
  if (!easy_) throw std::runtime_error("libcurl: cannot create an easy handle");
}

CURLcode Transfer::start(const HttpRequest& request, std::size_t index) {
  curl_easy_reset(easy_.get());  // options back to defaults; connections and caches stay
  headers_.reset();
  response_ = HttpResponse{};
  index_ = index;
  error_[0] = '\0';

  CURL* h = easy_.get();
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(h, option, value);
  };

  // libcurl treats 0 as "no limit": keep every exchange bounded.
  const long total_ms = std::max<long>(1, static_cast<long>(request.timeout.count()));
  const long connect_ms =
      std::clamp<long>(static_cast<long>(request.connect_timeout.count()), 1, total_ms);

  set(CURLOPT_URL, request.url.c_str());
  set(CURLOPT_PRIVATE, static_cast<void*>(this));
  set(CURLOPT_ERRORBUFFER, error_);
  set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we run on worker threads
  set(CURLOPT_TIMEOUT_MS, total_ms);
  set(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  set(CURLOPT_PROTOCOLS_STR, "http,https");  // a config typo must not read file:// etc.
  // A webhook forward must not be redirected silently: a 3xx is the answer.
  set(CURLOPT_FOLLOWLOCATION, 0L);
  // Certificates are verified against the system store (libcurl's built-in default CA bundle)
  // — stated explicitly so nobody flips it. Proxies: nothing here sets CURLOPT_PROXY or
  // CURLOPT_NOPROXY, so libcurl reads https_proxy / HTTPS_PROXY, http_proxy, ALL_PROXY and
  // no_proxy / NO_PROXY from the environment on every request.
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  set(CURLOPT_TCP_KEEPALIVE, 1L);
  set(CURLOPT_USERAGENT, "smartlead-webhookd");
  set(CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  set(CURLOPT_HEADERDATA, static_cast<void*>(this));
  set(CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  set(CURLOPT_WRITEDATA, static_cast<void*>(this));

  if (request.method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    set(CURLOPT_NOBODY, 1L);
  } else {
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set(CURLOPT_POSTFIELDS, request.body.data());
    if (request.method != "POST") set(CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  auto append = [&](const std::string& line) {
    // Appending returns the list's head: new on the first call, the same one afterwards; on
    // failure NULL, and the list we own is unchanged.
    curl_slist* head = curl_slist_append(headers_.get(), line.c_str());
    if (!head) {
      rc = CURLE_OUT_OF_MEMORY;
    } else if (head != headers_.get()) {
      headers_.reset(head);
    }
  };
  for (const auto& header : request.headers) append(header_line(header));
  // libcurl would otherwise wait for a "100 Continue" before sending large bodies.
  if (!has_header(request, "expect")) append("Expect:");
  set(CURLOPT_HTTPHEADER, headers_.get());
  return rc;
}

HttpResponse Transfer::finish(CURLcode result) {
  HttpResponse out = std::move(response_);
  response_ = HttpResponse{};
  if (result == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy_.get(), CURLINFO_RESPONSE_CODE, &status);
    out.status = status;
    return out;
  }
  // A half-received answer is no answer: callers see a transport failure only.
  out.status = 0;
  out.timed_out = result == CURLE_OPERATION_TIMEDOUT;
  // libcurl's messages name host and port at most, never the path, query or credentials.
  out.error = error_[0] != '\0' ? std::string(error_) : std::string(curl_easy_strerror(result));
  return out;
}

HttpResponse Transfer::fail(std::string error) {
  response_ = HttpResponse{};
  HttpResponse out;
  out.error = std::move(error);
  return out;
}

std::size_t Transfer::on_header(char* data, std::size_t size, std::size_t count, void* self) {
  auto& response = static_cast<Transfer*>(self)->response_;
  const std::size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new status line (after a 1xx interim answer): only the final answer's headers count.
    response.headers.clear();
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return n;  // blank line, obsolete folding
  auto name = trim(line.substr(0, colon));
  if (name.empty()) return n;
  response.headers[lowercase(name)] = std::string(trim(line.substr(colon + 1)));
  return n;
}

std::size_t Transfer::on_body(char* data, std::size_t size, std::size_t count, void* self) {
  auto& body = static_cast<Transfer*>(self)->response_.body;
  const std::size_t n = size * count;
  // Past the cap we keep reading (so the connection stays reusable) but stop storing.
  if (body.size() < kMaxResponseBody) {
    body.append(data, std::min(n, kMaxResponseBody - body.size()));
  }
  return n;
}

}  // namespace slwd::outbound::detail
