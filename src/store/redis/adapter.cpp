#include "adapter.hpp"

#include <hiredis/async.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <memory>

namespace slwd::store::redis {
namespace {

namespace asio = boost::asio;

class Adapter : public std::enable_shared_from_this<Adapter> {
 public:
  // The descriptor's executor is the strand: its wait handlers run there without binding.
  Adapter(const Strand& strand, redisAsyncContext* ac) : ac_(ac), fd_(strand) {}

  bool assign(std::string& error) {
    boost::system::error_code ec;
    fd_.assign(ac_->c.fd, ec);
    if (ec) error = "cannot watch the redis socket: " + ec.message();
    return !ec;
  }

  // hiredis's reference: ev.data points at this object until cleanup.
  void adopt(std::shared_ptr<Adapter> self) { self_ = std::move(self); }

  static void add_read(void* data) { static_cast<Adapter*>(data)->want(true, true); }
  static void del_read(void* data) { static_cast<Adapter*>(data)->want(true, false); }
  static void add_write(void* data) { static_cast<Adapter*>(data)->want(false, true); }
  static void del_write(void* data) { static_cast<Adapter*>(data)->want(false, false); }
  static void cleanup(void* data) { static_cast<Adapter*>(data)->cleanup(); }

 private:
  // The hooks must be idempotent (async.h): at most one wait per direction is ever pending.
  // "del" only stops re-arming; a wait already pending completes and is then ignored, because a
  // stream_descriptor cannot cancel one direction alone.
  void want(bool read, bool wanted) {
    (read ? want_read_ : want_write_) = wanted;
    if (wanted && !(read ? read_armed_ : write_armed_)) arm(read);
  }

  void arm(bool read) {
    (read ? read_armed_ : write_armed_) = true;
    // async_wait re-checks readiness when it is started (asio re-arms epoll with EPOLL_CTL_MOD
    // for a wait), so bytes hiredis left unread in the socket (it reads 16 KiB per call) wake
    // the next wait at once: no edge-triggered stall.
    fd_.async_wait(
        read ? asio::posix::descriptor_base::wait_read : asio::posix::descriptor_base::wait_write,
        [self = shared_from_this(), read](const boost::system::error_code& ec) {
          self->on_ready(read, ec);
        });
  }

  void on_ready(bool read, const boost::system::error_code& ec) {
    (read ? read_armed_ : write_armed_) = false;
    // operation_aborted: cleanup released the fd; ac_ is null then and must not be touched.
    if (ec || ac_ == nullptr) return;
    if (read ? want_read_ : want_write_) {
      // May free the context (disconnect): cleanup() then nulls ac_ before we look again.
      if (read) {
        redisAsyncHandleRead(ac_);
      } else {
        redisAsyncHandleWrite(ac_);
      }
    }
    if (ac_ == nullptr) return;
    if (want_read_ && !read_armed_) arm(true);
    if (want_write_ && !write_armed_) arm(false);
  }

  void cleanup() {
    ac_ = nullptr;
    want_read_ = want_write_ = false;
    // release() deregisters from epoll and aborts pending waits; hiredis closes the fd right
    // after this hook returns, so we must not close it ourselves.
    fd_.release();
    // Drop hiredis's reference last; pending wait handlers hold their own until they run.
    auto keep = std::move(self_);
  }

  redisAsyncContext* ac_;
  asio::posix::basic_stream_descriptor<Strand> fd_;
  bool want_read_ = false;
  bool want_write_ = false;
  bool read_armed_ = false;
  bool write_armed_ = false;
  std::shared_ptr<Adapter> self_;
};

}  // namespace

bool attach_asio_adapter(const Strand& strand, redisAsyncContext* ac, std::string& error) {
  if (ac->ev.data != nullptr) {
    error = "redis context already has an event loop attached";
    return false;
  }
  auto adapter = std::make_shared<Adapter>(strand, ac);
  if (!adapter->assign(error)) return false;
  Adapter* raw = adapter.get();
  raw->adopt(std::move(adapter));
  ac->ev.data = raw;
  ac->ev.addRead = &Adapter::add_read;
  ac->ev.delRead = &Adapter::del_read;
  ac->ev.addWrite = &Adapter::add_write;
  ac->ev.delWrite = &Adapter::del_write;
  ac->ev.cleanup = &Adapter::cleanup;
  return true;
}

}  // namespace slwd::store::redis
