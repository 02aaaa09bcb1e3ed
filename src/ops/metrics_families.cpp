// Counter, histogram and callback families: their children and their samples.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "slwd/ops/log.hpp"
#include "slwd/ops/metrics.hpp"

namespace slwd::ops {
namespace {

template <class T>
void destroy(void* p) {
  delete static_cast<T*>(p);
}

void append_uint(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

const std::vector<double>& default_duration_buckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

// ---- children ---------------------------------------------------------------------------

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;  // would land in no bucket, and poison _sum forever
  // le is inclusive: the first bound >= value.
  auto bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  counts_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

// ---- family base ------------------------------------------------------------------------

namespace detail {

Family::Family(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Family::render(std::string& out) const {
  out += "# HELP ";
  out += name_;
  out += ' ';
  out += escape_help(help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type();
  out += '\n';
  render_samples(out);
}

void Family::append_series(std::string& out, std::string_view suffix,
                           const std::vector<std::string>& values, std::string_view extra) const {
  out += name_;
  out += suffix;
  if (!label_names_.empty() || !extra.empty()) {
    out += '{';
    for (std::size_t i = 0; i < label_names_.size(); ++i) {
      if (i) out += ',';
      out += label_names_[i];
      out += "=\"";
      out += escape_label_value(values[i]);
      out += '"';
    }
    if (!extra.empty()) {
      if (!label_names_.empty()) out += ',';
      out += extra;
    }
    out += '}';
  }
  out += ' ';
}

}  // namespace detail

// ---- counters ---------------------------------------------------------------------------

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), std::move(label_names)),
      children_(this->label_names().size(), &destroy<Counter>) {
  // A family without labels has exactly one series: show it from the start, at 0.
  if (this->label_names().empty()) with();
}

Counter& CounterFamily::with(LabelValues values) {
  if (void* c = children_.lookup(values)) return *static_cast<Counter*>(c);
  return *static_cast<Counter*>(children_.insert(values, [] { return new Counter(); }));
}

void CounterFamily::render_samples(std::string& out) const {
  for (const auto& entry : children_.entries()) {
    append_series(out, "", *entry.values);
    append_uint(out, static_cast<const Counter*>(entry.child)->value());
    out += '\n';
  }
}

// ---- histograms -------------------------------------------------------------------------

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : Family(std::move(name), std::move(help), std::move(label_names)),
      bounds_(std::move(bounds)),
      children_(this->label_names().size(), &destroy<Histogram>) {
  // +Inf is implicit; accept it written out too.
  if (!bounds_.empty() && std::isinf(bounds_.back()) && bounds_.back() > 0) bounds_.pop_back();
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i && bounds_[i] <= bounds_[i - 1])) {
      throw std::invalid_argument("histogram " + this->name() +
                                  ": buckets must be finite and strictly increasing");
    }
  }
  if (this->label_names().empty()) with();
}

Histogram& HistogramFamily::with(LabelValues values) {
  if (void* h = children_.lookup(values)) return *static_cast<Histogram*>(h);
  return *static_cast<Histogram*>(
      children_.insert(values, [this] { return new Histogram(bounds_); }));
}

void HistogramFamily::render_samples(std::string& out) const {
  for (const auto& entry : children_.entries()) {
    const auto snap = static_cast<const Histogram*>(entry.child)->snapshot();
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      std::string le = "le=\"" + (i < bounds_.size() ? format_value(bounds_[i]) : "+Inf") + "\"";
      append_series(out, "_bucket", *entry.values, le);
      append_uint(out, snap.cumulative[i]);
      out += '\n';
    }
    append_series(out, "_sum", *entry.values);
    out += format_value(snap.sum);
    out += '\n';
    append_series(out, "_count", *entry.values);
    append_uint(out, snap.cumulative.back());
    out += '\n';
  }
}

// ---- callbacks --------------------------------------------------------------------------

CallbackFamily::CallbackFamily(std::string name, std::string help, const char* type,
                               std::vector<std::string> label_names)
    : Family(std::move(name), std::move(help), std::move(label_names)), type_(type) {}

void CallbackFamily::set(SampleCallback callback) {
  std::lock_guard lock(mutex_);
  callback_ = std::move(callback);
}

void CallbackFamily::render_samples(std::string& out) const {
  SampleCallback callback;
  {
    std::lock_guard lock(mutex_);
    callback = callback_;
  }
  if (!callback) return;
  std::vector<Sample> samples;
  try {
    samples = callback();
  } catch (const std::exception& e) {
    // A scrape must not fail as a whole because one source (say, the store) is down.
    log(Level::warn, "metric callback failed", {{"metric", name()}, {"error", e.what()}});
    return;
  }
  std::stable_sort(samples.begin(), samples.end(),
                   [](const Sample& a, const Sample& b) { return a.labels < b.labels; });
  for (const auto& sample : samples) {
    if (sample.labels.size() != label_names().size()) continue;  // a caller bug: skip, don't crash
    append_series(out, "", sample.labels);
    out += format_value(sample.value);
    out += '\n';
  }
}

}  // namespace slwd::ops
