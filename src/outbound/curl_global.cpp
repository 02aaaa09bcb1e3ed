#include <stdexcept>
#include <string>

#include "curl_handles.hpp"

namespace slwd::outbound::detail {

void ensure_curl_global() {
  // Never cleaned up: other threads may still hold handles at exit, and the OS reclaims it.
  static const CURLcode result = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (result != CURLE_OK) {
    throw std::runtime_error(std::string("libcurl initialisation failed: ") +
                             curl_easy_strerror(result));
  }
}

}  // namespace slwd::outbound::detail
