#pragma once
#include <string>

#include "slwd/handlers/handler.hpp"

namespace slwd::handlers {

// `file`: appends one JSON line per event (SPEC §6). With fsync batch, one fsync covers a whole
// batch and the batch counts as done only after it.
class FileHandler final : public Handler {
 public:
  FileHandler(std::string path, config::FsyncMode fsync);
  ~FileHandler() override;
  FileHandler(const FileHandler&) = delete;
  FileHandler& operator=(const FileHandler&) = delete;

  void deliver(const std::vector<store::WorkItem>& items, std::vector<Outcome>& outcomes) override;
  std::size_t max_batch() const override { return 512; }

  // The line written for one item (exposed for tests), with its trailing '\n'.
  static std::string render_line(const store::WorkItem& item);

 private:
  bool write_all(const std::string& bytes, std::string& error);
  std::string path_;
  config::FsyncMode fsync_;
  int fd_ = -1;
};

}  // namespace slwd::handlers
