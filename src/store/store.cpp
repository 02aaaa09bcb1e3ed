#include "slwd/store/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "slwd/config/config.hpp"
#include "slwd/store/redis_store.hpp"
#include "slwd/store/sqlite_store.hpp"

namespace slwd::store {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// One daemon per SQLite file: a second one would reset the first one's leases and deliver its
// in-flight work twice. The lock lives as long as the process (the kernel drops it on exit,
// kill -9 included).
void lock_for_daemon(const std::string& db_path) {
  std::error_code ec;
  auto parent = std::filesystem::path(db_path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::string lock_path = db_path + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) throw std::runtime_error("cannot open " + lock_path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw std::runtime_error("another smartlead-webhookd is already serving " + db_path);
  }
  // fd deliberately left open: closing it would release the lock.
}

}  // namespace

std::unique_ptr<Store> open_store(const config::StoreConfig& config, OpenMode mode, NowMs now,
                                  boost::asio::io_context* io) {
  switch (config.type) {
    case config::StoreType::sqlite:
      if (mode == OpenMode::daemon) {
        lock_for_daemon(config.sqlite.path);
      } else if (!std::filesystem::exists(config.sqlite.path)) {
        throw std::runtime_error("no store at " + config.sqlite.path +
                                 " (the daemon creates it on its first start)");
      }
      return open_sqlite_store(config, mode, std::move(now));
    case config::StoreType::redis:
      // Many daemons may share one Redis (SPEC §9): no lock; the consumer groups share the work.
      return open_redis_store(config, mode, std::move(now), io);
  }
  throw std::runtime_error("unknown store type");
}

}  // namespace slwd::store
