#pragma once
// RAII over the libcurl handles the client owns, and the one-time global initialisation.
#include <curl/curl.h>

#include <memory>

namespace slwd::outbound::detail {

struct EasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct MultiDeleter {
  void operator()(CURLM* handle) const noexcept { curl_multi_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init exactly once per process, before the first handle is created (a
// function-local static, so concurrent first calls are safe). Throws std::runtime_error when
// libcurl cannot initialise (e.g. its TLS backend failed).
void ensure_curl_global();

}  // namespace slwd::outbound::detail
