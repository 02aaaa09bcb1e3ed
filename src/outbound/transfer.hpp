#pragma once
// One pooled easy handle and the state of the exchange it is running. Reused for many requests
// (curl_easy_reset keeps its caches); never moved, because libcurl holds pointers into it.
#include <cstddef>

#include "curl_handles.hpp"
#include "slwd/outbound/http_client.hpp"

namespace slwd::outbound::detail {

class Transfer {
 public:
  Transfer();  // throws std::runtime_error when libcurl cannot create a handle
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Configures the handle for `request` (which must outlive the exchange: the body is sent from
  // it without a copy). `index` is the caller's bookkeeping. Returns the first option libcurl
  // refused, CURLE_OK when the handle is ready to run.
  CURLcode start(const HttpRequest& request, std::size_t index);
  // The response of the exchange that ended with `result`.
  HttpResponse finish(CURLcode result);
  // A response for an exchange that never ran.
  HttpResponse fail(std::string error);

  CURL* easy() const { return easy_.get(); }
  std::size_t index() const { return index_; }

 private:
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);

  EasyPtr easy_;
  SlistPtr headers_;
  HttpResponse response_;
  std::size_t index_ = 0;
  char error_[CURL_ERROR_SIZE] = {};
};

}  // namespace slwd::outbound::detail
