#pragma once
// The admin port (SPEC §7): /healthz, /readyz, /metrics, /dlq, /dlq/replay. Never the public
// port. Routing is a plain function of the request so it is testable without sockets.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "slwd/http/request.hpp"

namespace boost::asio {
class io_context;
}
namespace slwd::store {
class Store;
}

namespace slwd::http {

struct AdminRequest {
  std::string method;
  std::string target;
  std::string authorization;  // the Authorization header, or empty
  std::string body;
};

struct AdminContext {
  store::Store* store = nullptr;
  const std::atomic<bool>* shutting_down = nullptr;
  std::function<std::string()> token;         // current admin.token (reloadable); empty = open
  std::function<std::string()> metrics_text;  // Prometheus exposition
};

Response handle_admin(const AdminContext& context, const AdminRequest& request);

class AdminServer {
 public:
  AdminServer(boost::asio::io_context& ioc, std::string listen, AdminContext context);
  ~AdminServer();
  void start();  // throws std::runtime_error naming the address
  std::uint16_t port() const;
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace slwd::http
