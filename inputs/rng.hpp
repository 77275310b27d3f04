#pragma once
// The generators' seeded randomness (synth.cpp, synth_layout.cpp, synth_parcels.cpp,
// generate.cpp): internal to inputs/.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace landalloc::detail {

/// Seeded randomness whose sequence depends on nothing but the seed (the standard
/// distributions are implementation-defined, so they are not used).
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : m_engine(seed) {}
    double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int integer(int lo, int hi) { // inclusive
        return lo + static_cast<int>(uniform() * (hi - lo + 1));
    }
    double normal() { // Box-Muller
        const double u1 = std::max(uniform(), 1e-300);
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    /// Index drawn with the given weights.
    std::size_t pick(const std::vector<double> &weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double r = uniform() * total;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.size() - 1;
    }

  private:
    std::mt19937_64 m_engine;
};

} // namespace landalloc::detail
