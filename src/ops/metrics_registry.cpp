// The registry: families by name, and the whole exposition.
#include <stdexcept>

#include "slwd/ops/metrics.hpp"

namespace slwd::ops {
namespace {

bool name_char(char c, bool first, bool colon_ok) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') return true;
  if (c == ':') return colon_ok;
  return !first && c >= '0' && c <= '9';
}

bool valid_name(std::string_view name, bool colon_ok) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!name_char(name[i], i == 0, colon_ok)) return false;
  }
  return true;
}

void check_names(const std::string& name, const std::vector<std::string>& label_names,
                 bool histogram) {
  if (!valid_name(name, true)) throw std::invalid_argument("invalid metric name \"" + name + "\"");
  for (const auto& label : label_names) {
    // "__" is reserved for Prometheus itself; "le" is the histogram's bucket label.
    if (!valid_name(label, false) || label.starts_with("__") || (histogram && label == "le")) {
      throw std::invalid_argument("invalid label name \"" + label + "\" for " + name);
    }
  }
}

}  // namespace

template <class F, class... Args>
F& Metrics::family(const std::string& name, const std::vector<std::string>& label_names,
                   Args&&... args) {
  std::lock_guard lock(mutex_);
  if (auto it = families_.find(name); it != families_.end()) {
    auto* existing = dynamic_cast<F*>(it->second.get());
    if (!existing || existing->label_names() != label_names) {
      throw std::invalid_argument("metric \"" + name +
                                  "\" registered twice with different types or labels");
    }
    return *existing;
  }
  auto created = std::make_unique<F>(name, std::forward<Args>(args)...);
  F& ref = *created;
  families_.emplace(name, std::move(created));
  return ref;
}

CounterFamily& Metrics::counter(const std::string& name, const std::string& help,
                                std::vector<std::string> label_names) {
  check_names(name, label_names, false);
  return family<CounterFamily>(name, label_names, help, label_names);
}

HistogramFamily& Metrics::histogram(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names,
                                    std::vector<double> bounds) {
  check_names(name, label_names, true);
  auto& f = family<HistogramFamily>(name, label_names, help, label_names, std::move(bounds));
  return f;
}

void Metrics::callback(const std::string& name, const std::string& help, const char* type,
                       std::vector<std::string> label_names, SampleCallback callback) {
  check_names(name, label_names, false);
  auto& f = family<CallbackFamily>(name, label_names, help, type, label_names);
  if (std::string_view(f.type()) != type) {
    throw std::invalid_argument("metric \"" + name + "\" registered twice with different types");
  }
  f.set(std::move(callback));
}

void Metrics::gauge_callback(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names, SampleCallback callback) {
  this->callback(name, help, "gauge", std::move(label_names), std::move(callback));
}

void Metrics::counter_callback(const std::string& name, const std::string& help,
                               std::vector<std::string> label_names, SampleCallback callback) {
  this->callback(name, help, "counter", std::move(label_names), std::move(callback));
}

std::string Metrics::render() const {
  // Families are never removed, so the pointers stay valid once the lock is released; callbacks
  // (which may block on a store) then run without holding it.
  std::vector<const detail::Family*> families;
  {
    std::lock_guard lock(mutex_);
    families.reserve(families_.size());
    for (const auto& [_, f] : families_) families.push_back(f.get());
  }
  std::string out;
  out.reserve(families.size() * 256);
  for (const auto* f : families) f->render(out);
  return out;
}

}  // namespace slwd::ops
