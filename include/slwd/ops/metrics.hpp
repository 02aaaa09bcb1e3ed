#pragma once
// A small Prometheus registry rendering the text exposition format 0.0.4 (SPEC §7 /metrics).
//
// Shaped by the hot path: io threads count tens of thousands of requests per second, so an
// increment must never take a lock. A family maps label values to a child through an
// append-only table whose lookups are lock-free; only creating a child locks (once per label
// set). A child never moves or dies before its registry, so callers may cache `with(...)`'s
// reference and then pay one relaxed atomic per increment.
//
// Label values are the caller's to bound: every distinct set is a series kept forever. Never pass
// client-controlled text without mapping it to a fixed set first.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace slwd::ops {

// Label values, in the order of the family's label names.
using LabelValues = std::initializer_list<std::string_view>;

// Children sit on their own cache line: two hot counters bumped by different io threads must
// not invalidate each other's line.
class alignas(64) Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class alignas(64) Histogram {
 public:
  // `bounds`: strictly increasing upper bounds without +Inf; owned by the family, outlives this.
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double value);
  void observe(std::chrono::steady_clock::duration elapsed) {
    observe(std::chrono::duration<double>(elapsed).count());
  }

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  const std::vector<double>& bounds_;
  // Per-bucket (not cumulative) counts, +Inf last: one increment per observation. The count is
  // their total, so _count and the +Inf bucket always agree in a scrape.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// One sample of a callback family.
struct Sample {
  std::vector<std::string> labels;  // values, in the order of the family's label names
  double value = 0;
};
using SampleCallback = std::function<std::vector<Sample>()>;

// 0.5 ms .. 10 s: webhook answers are sub-millisecond to the 3 s deadline; handler attempts
// reach the 10 s outbound timeouts.
const std::vector<double>& default_duration_buckets();

namespace detail {

// Label values -> child. Lookups are lock-free (acquire loads over an open-addressed table);
// inserts serialize on a mutex and grow the table by publishing a new one (old ones are kept
// until destruction, so a reader still probing one stays safe, and a miss there falls back to
// the locked path). Children are owned here and destroyed with `destroy`.
class LabelIndex {
 public:
  LabelIndex(std::size_t arity, void (*destroy)(void*));
  ~LabelIndex();
  LabelIndex(const LabelIndex&) = delete;
  LabelIndex& operator=(const LabelIndex&) = delete;

  // The child for `values`, or nullptr. Lock-free.
  void* lookup(LabelValues values) const;
  // The child for `values`, created by `make` when missing. Locks. Throws
  // std::invalid_argument when the number of values is not the family's number of label names.
  void* insert(LabelValues values, const std::function<void*()>& make);

  struct Entry {
    const std::vector<std::string>* values;
    const void* child;
  };
  // Every child, ordered by label values (a stable exposition order).
  std::vector<Entry> entries() const;

 private:
  struct Slot;
  struct Table;
  void* find(const Table& table, std::uint64_t hash, LabelValues values) const;
  void place(Table& table, const Slot* slot);

  const std::size_t arity_;
  void (*destroy_)(void*);
  std::atomic<const Table*> table_;
  mutable std::mutex mutex_;                    // guards the members below and every insert
  std::vector<std::unique_ptr<Table>> tables_;  // every generation; the last is current
  std::vector<std::unique_ptr<Slot>> slots_;
};

class Family {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names);
  virtual ~Family() = default;
  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  virtual const char* type() const = 0;
  // Appends `# HELP`, `# TYPE` and the samples.
  void render(std::string& out) const;

 protected:
  virtual void render_samples(std::string& out) const = 0;
  // `name{a="x",b="y"<extra>} ` (no braces when there are no labels at all).
  void append_series(std::string& out, std::string_view suffix,
                     const std::vector<std::string>& values, std::string_view extra = {}) const;

 private:
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
};

}  // namespace detail

class CounterFamily final : public detail::Family {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);
  const char* type() const override { return "counter"; }
  // Cache the reference on hot paths; a first call per label set takes a lock.
  Counter& with(LabelValues values = {});
  void inc(LabelValues values = {}, std::uint64_t n = 1) { with(values).inc(n); }

 private:
  void render_samples(std::string& out) const override;
  detail::LabelIndex children_;
};

class HistogramFamily final : public detail::Family {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);
  const char* type() const override { return "histogram"; }
  Histogram& with(LabelValues values = {});
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  void render_samples(std::string& out) const override;
  std::vector<double> bounds_;
  detail::LabelIndex children_;
};

// Samples computed at scrape time (queue sizes, process figures).
class CallbackFamily final : public detail::Family {
 public:
  CallbackFamily(std::string name, std::string help, const char* type,
                 std::vector<std::string> label_names);
  const char* type() const override { return type_; }
  void set(SampleCallback callback);

 private:
  void render_samples(std::string& out) const override;
  const char* type_;
  mutable std::mutex mutex_;
  SampleCallback callback_;
};

class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Registering a name again with the same type and label names returns the existing family;
  // any other clash, or an invalid metric or label name, throws std::invalid_argument.
  CounterFamily& counter(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names = {},
                             std::vector<double> bounds = default_duration_buckets());
  // The callback runs on the scraping thread at each render(), outside the registry's lock
  // (it may block briefly, e.g. on a store query; it must not register metrics). Registering
  // the name again replaces the callback. A callback that throws yields no samples that scrape.
  void gauge_callback(const std::string& name, const std::string& help,
                      std::vector<std::string> label_names, SampleCallback callback);
  void counter_callback(const std::string& name, const std::string& help,
                        std::vector<std::string> label_names, SampleCallback callback);

  // The whole exposition, families ordered by name. Thread-safe.
  std::string render() const;

 private:
  template <class F, class... Args>
  F& family(const std::string& name, const std::vector<std::string>& label_names, Args&&... args);
  void callback(const std::string& name, const std::string& help, const char* type,
                std::vector<std::string> label_names, SampleCallback callback);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<detail::Family>, std::less<>> families_;
};

// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_max_fds, process_cpu_seconds_total, process_start_time_seconds (all from /proc at
// scrape time) and smartlead_build_info{version} 1.
void register_process_metrics(Metrics& metrics);

// Text exposition escaping (exposed for tests): label values escape \ " and newline; HELP
// escapes \ and newline.
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
// Shortest text that reads back as the same double; +Inf, -Inf, NaN as Prometheus spells them.
std::string format_value(double value);

}  // namespace slwd::ops
