#include "file_handler.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "slwd/events/event.hpp"
#include "slwd/ops/log.hpp"
#include "slwd/ops/time_format.hpp"

namespace slwd::handlers {
namespace {

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  ops::append_json_escaped(out, s);
  out += '"';
}

}  // namespace

FileHandler::FileHandler(std::string path, config::FsyncMode fsync)
    : path_(std::move(path)), fsync_(fsync) {
  std::error_code ec;
  auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    throw std::runtime_error("cannot open " + path_ + ": " + std::strerror(errno));
  }
}

FileHandler::~FileHandler() {
  if (fd_ >= 0) ::close(fd_);
}

std::string FileHandler::render_line(const store::WorkItem& item) {
  std::string line;
  line.reserve(item.body.size() + 192);
  line += "{\"delivery_id\":";
  append_json_string(line, item.delivery_id);
  line += ",\"event_type\":";
  append_json_string(line, item.event_type);
  line += ",\"received_at\":\"";
  line += ops::iso8601_ms(item.received_at_ms);
  line += "\",\"level\":";
  if (item.level.empty()) {
    line += "null";
  } else {
    append_json_string(line, item.level);
  }
  line += ",\"endpoint\":";
  append_json_string(line, item.endpoint);
  line += ",\"event\":";
  line += events::compact_json(item.body);  // recorded bodies passed the strict parse
  line += "}\n";
  return line;
}

bool FileHandler::write_all(const std::string& bytes, std::string& error) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = path_ + ": write failed: " + std::strerror(errno);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void FileHandler::deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) {
  std::string error;
  auto fail_from = [&](std::size_t first) {
    for (std::size_t i = first; i < items.size(); ++i) {
      outcomes[i] = Outcome{OutcomeKind::retryable, error, std::nullopt};
    }
  };
  if (fsync_ == config::FsyncMode::always) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (!write_all(render_line(items[i]), error) || ::fdatasync(fd_) != 0) {
        if (error.empty()) error = path_ + ": fsync failed: " + std::strerror(errno);
        return fail_from(i);
      }
      outcomes[i] = Outcome{};
    }
    return;
  }
  std::string batch;
  for (const auto& item : items) batch += render_line(item);
  if (!write_all(batch, error)) return fail_from(0);
  if (fsync_ == config::FsyncMode::batch && ::fdatasync(fd_) != 0) {
    error = path_ + ": fsync failed: " + std::strerror(errno);
    return fail_from(0);
  }
  for (auto& o : outcomes) o = Outcome{};
}

}  // namespace slwd::handlers
