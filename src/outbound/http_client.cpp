#include "slwd/outbound/http_client.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "curl_handles.hpp"
#include "transfer.hpp"

namespace slwd::outbound {

// Every exchange — `perform` too — runs through the one multi handle, so all of a client's
// requests share its connection cache (keep-alive across calls and between perform and
// perform_all), its DNS cache and its TLS session cache. Easy handles are pooled: the first one
// is the handle `perform` reuses call after call.
struct HttpClient::Impl {
  detail::MultiPtr multi;
  std::vector<std::unique_ptr<detail::Transfer>> pool;  // destroyed before `multi`
  long max_connects = 0;

  Impl() {
    detail::ensure_curl_global();
    multi.reset(curl_multi_init());
    if (!multi) throw std::runtime_error("libcurl: cannot create a multi handle");
  }

  void ensure_capacity(std::size_t parallel) {
    while (pool.size() < parallel) pool.push_back(std::make_unique<detail::Transfer>());
    // Keep as many idle connections as the widest batch used, so the next batch reuses them
    // (libcurl's default would shrink the cache once the handles are removed).
    const long wanted = std::max<long>(4, static_cast<long>(parallel));
    if (wanted > max_connects) {
      curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, wanted);
      max_connects = wanted;
    }
  }

  std::vector<HttpResponse> run(const std::vector<const HttpRequest*>& requests,
                                std::size_t parallel);
};

std::vector<HttpResponse> HttpClient::Impl::run(const std::vector<const HttpRequest*>& requests,
                                                std::size_t parallel) {
  std::vector<HttpResponse> out(requests.size());
  if (requests.empty()) return out;
  parallel = std::clamp<std::size_t>(parallel, 1, requests.size());
  ensure_capacity(parallel);

  std::vector<detail::Transfer*> idle;
  for (std::size_t i = 0; i < parallel; ++i) idle.push_back(pool[parallel - 1 - i].get());
  std::vector<detail::Transfer*> active;
  std::size_t next = 0;

  auto retire = [&](detail::Transfer* t) {
    curl_multi_remove_handle(multi.get(), t->easy());
    active.erase(std::find(active.begin(), active.end(), t));
    idle.push_back(t);
  };

  while (next < requests.size() || !active.empty()) {
    while (!idle.empty() && next < requests.size()) {
      detail::Transfer* t = idle.back();
      const std::size_t i = next++;
      if (CURLcode rc = t->start(*requests[i], i); rc != CURLE_OK) {
        out[i] = t->fail(curl_easy_strerror(rc));
        continue;
      }
      if (CURLMcode mc = curl_multi_add_handle(multi.get(), t->easy()); mc != CURLM_OK) {
        out[i] = t->fail(std::string("libcurl: ") + curl_multi_strerror(mc));
        continue;
      }
      idle.pop_back();
      active.push_back(t);
    }
    if (active.empty()) continue;

    int running = 0;
    if (CURLMcode mc = curl_multi_perform(multi.get(), &running); mc != CURLM_OK) {
      // The multi handle itself is broken (out of memory): fail what is in flight.
      const std::string error = std::string("libcurl: ") + curl_multi_strerror(mc);
      while (!active.empty()) {
        detail::Transfer* t = active.back();
        out[t->index()] = t->fail(error);
        retire(t);
      }
      continue;
    }
    bool finished_any = false;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      void* self = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &self);
      auto* t = static_cast<detail::Transfer*>(self);
      const CURLcode result = msg->data.result;  // read before remove: it frees `msg`
      out[t->index()] = t->finish(result);
      retire(t);
      finished_any = true;
    }
    // Bounded wait: libcurl shortens it to its own next timeout, and every exchange has a
    // total timeout, so this loop always ends.
    if (!finished_any && !active.empty()) {
      curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    }
  }
  return out;
}

HttpClient::HttpClient() : impl_(std::make_unique<Impl>()) {}
HttpClient::~HttpClient() = default;

HttpResponse HttpClient::perform(const HttpRequest& request) {
  return std::move(impl_->run({&request}, 1).front());
}

std::vector<HttpResponse> HttpClient::perform_all(const std::vector<HttpRequest>& requests,
                                                  std::size_t parallel) {
  std::vector<const HttpRequest*> pointers;
  pointers.reserve(requests.size());
  for (const auto& r : requests) pointers.push_back(&r);
  return impl_->run(pointers, parallel);
}

}  // namespace slwd::outbound
