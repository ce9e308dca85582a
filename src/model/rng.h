#pragma once
// Deterministic random numbers: std::mt19937_64 with our own mapping functions, because the
// standard distributions differ between standard libraries (same seed must give the same atlas).
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace gridatlas::model {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_engine(seed) {}

    /// Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    double uniform(double a, double b) { return a + (b - a) * unit(); }
    /// Uniform integer in [a, b] (inclusive).
    std::int64_t between(std::int64_t a, std::int64_t b) {
        const auto span = static_cast<std::uint64_t>(b - a) + 1;
        return a + static_cast<std::int64_t>(m_engine() % span);
    }
    bool chance(double p) { return unit() < p; }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(v.size()) - 1))];
    }
    /// Index by weights (need not sum to 1).
    std::size_t weighted(const std::vector<double>& weights) {
        double total = 0;
        for (double w : weights) total += w;
        double x = unit() * total;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            if (x < weights[i]) return i;
            x -= weights[i];
        }
        return weights.size() - 1;
    }
    /// Approximately normal (sum of 4 uniforms), mean m, standard deviation s.
    double normal(double m, double s) {
        double acc = 0;
        for (int i = 0; i < 4; ++i) acc += unit();
        return m + s * (acc - 2.0) * 1.7320508075688772; // var of sum of 4 U(0,1) = 1/3
    }

private:
    std::mt19937_64 m_engine;
};

} // namespace gridatlas::model
