#pragma once
// Percentiles over a sample (nearest rank on a sorted copy).
#include <algorithm>
#include <cstddef>
#include <vector>

namespace slwd::bench {

inline double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(p * static_cast<double>(values.size()));
  return values[std::min(values.size() - 1, rank)];
}

}  // namespace slwd::bench
