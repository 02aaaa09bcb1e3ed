#include "slwd/store/store.hpp"

#include <chrono>
#include <stdexcept>

#include "slwd/config/config.hpp"
#include "slwd/store/sqlite_store.hpp"

namespace slwd::store {

std::int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<Store> open_store(const config::StoreConfig& config, OpenMode mode, NowMs now) {
  switch (config.type) {
    case config::StoreType::sqlite:
      return open_sqlite_store(config, mode, std::move(now));
    case config::StoreType::redis:
      throw std::runtime_error("store.type redis is not available in this build yet");
  }
  throw std::runtime_error("unknown store type");
}

}  // namespace slwd::store
