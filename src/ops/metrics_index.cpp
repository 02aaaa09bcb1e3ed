// The label-values -> child table behind every metric family (see metrics.hpp for why it is
// lock-free on lookup).
#include <algorithm>
#include <stdexcept>

#include "slwd/ops/metrics.hpp"

namespace slwd::ops::detail {

struct LabelIndex::Slot {
  std::uint64_t hash = 0;
  std::vector<std::string> values;
  void* child = nullptr;
};

struct LabelIndex::Table {
  explicit Table(std::size_t capacity)
      : mask(capacity - 1), slots(std::make_unique<std::atomic<const Slot*>[]>(capacity)) {}
  std::size_t capacity() const { return mask + 1; }

  std::size_t mask;                                   // capacity is a power of two
  std::unique_ptr<std::atomic<const Slot*>[]> slots;  // value-initialized: all null
};

namespace {

constexpr std::size_t kInitialCapacity = 16;

// FNV-1a over each value and its length (so {"ab","c"} and {"a","bc"} differ).
std::uint64_t hash_values(LabelValues values) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](unsigned char byte) {
    h ^= byte;
    h *= 1099511628211ull;
  };
  for (std::string_view value : values) {
    for (unsigned char c : value) mix(c);
    for (std::size_t n = value.size(), i = 0; i < sizeof n; ++i)
      mix(static_cast<unsigned char>(n >> (8 * i)));
  }
  return h;
}

bool same_values(const std::vector<std::string>& stored, LabelValues values) {
  return std::equal(stored.begin(), stored.end(), values.begin(), values.end());
}

}  // namespace

LabelIndex::LabelIndex(std::size_t arity, void (*destroy)(void*))
    : arity_(arity), destroy_(destroy) {
  tables_.push_back(std::make_unique<Table>(kInitialCapacity));
  table_.store(tables_.back().get(), std::memory_order_release);
}

LabelIndex::~LabelIndex() {
  for (auto& slot : slots_) destroy_(slot->child);
}

void* LabelIndex::find(const Table& table, std::uint64_t hash, LabelValues values) const {
  // The load factor stays at most 1/2, so the probe always meets an empty slot.
  for (std::size_t i = hash & table.mask;; i = (i + 1) & table.mask) {
    const Slot* slot = table.slots[i].load(std::memory_order_acquire);
    if (!slot) return nullptr;
    if (slot->hash == hash && same_values(slot->values, values)) return slot->child;
  }
}

void LabelIndex::place(Table& table, const Slot* slot) {
  std::size_t i = slot->hash & table.mask;
  while (table.slots[i].load(std::memory_order_relaxed)) i = (i + 1) & table.mask;
  // release: a reader that sees the pointer sees the slot's values and the child's construction.
  table.slots[i].store(slot, std::memory_order_release);
}

void* LabelIndex::lookup(LabelValues values) const {
  if (values.size() != arity_) return nullptr;
  return find(*table_.load(std::memory_order_acquire), hash_values(values), values);
}

void* LabelIndex::insert(LabelValues values, const std::function<void*()>& make) {
  if (values.size() != arity_) {
    throw std::invalid_argument("metric expects " + std::to_string(arity_) + " label values, got " +
                                std::to_string(values.size()));
  }
  const std::uint64_t hash = hash_values(values);
  std::lock_guard lock(mutex_);
  Table* table = tables_.back().get();
  if (void* existing = find(*table, hash, values)) return existing;

  // Everything that can throw comes before the child exists, so a failure leaks nothing.
  slots_.reserve(slots_.size() + 1);
  tables_.reserve(tables_.size() + 1);
  std::unique_ptr<Table> bigger;
  if ((slots_.size() + 1) * 2 > table->capacity())
    bigger = std::make_unique<Table>(table->capacity() * 2);
  auto slot = std::make_unique<Slot>();
  slot->hash = hash;
  slot->values.assign(values.begin(), values.end());
  slot->child = make();

  if (bigger) {
    // Readers may still probe the old table: it stays alive (and unchanged) in tables_.
    for (const auto& s : slots_) place(*bigger, s.get());
    tables_.push_back(std::move(bigger));
    table = tables_.back().get();
    table_.store(table, std::memory_order_release);
  }
  place(*table, slot.get());
  slots_.push_back(std::move(slot));
  return slots_.back()->child;
}

std::vector<LabelIndex::Entry> LabelIndex::entries() const {
  std::vector<Entry> out;
  {
    std::lock_guard lock(mutex_);
    out.reserve(slots_.size());
    for (const auto& slot : slots_) out.push_back({&slot->values, slot->child});
  }
  std::sort(out.begin(), out.end(),
            [](const Entry& a, const Entry& b) { return *a.values < *b.values; });
  return out;
}

}  // namespace slwd::ops::detail
