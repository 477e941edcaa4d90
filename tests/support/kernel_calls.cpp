#include "support/kernel_calls.hpp"

#include <cstring>

namespace simdense::test {

std::vector<float> Prepared::outputs() const {
  std::vector<float> v;
  for (const auto& b : out) v.insert(v.end(), b->data(), b->data() + b->size());
  v.insert(v.end(), ret.begin(), ret.end());
  return v;
}

std::unique_ptr<OffsetBuffer> typical(std::size_t n, std::uint64_t seed, double scale,
                                      std::size_t offset) {
  auto b = std::make_unique<OffsetBuffer>(n, offset);
  Rng r(seed);
  for (std::size_t k = 0; k < n; ++k) (*b)[k] = float(scale * r.normal());
  return b;
}

std::unique_ptr<OffsetBuffer> mixed(std::size_t n, std::uint64_t seed, double scale,
                                    std::size_t offset) {
  auto b = typical(n, seed, scale, offset);
  const auto& sp = special_floats();
  Rng r(seed ^ 0x5bd1e995);
  // About one element in 16 special (NaN, inf, subnormal, thresholds), the rest typical.
  for (std::size_t k = 0; k < n; ++k)
    if (r.bits() % 16 == 0) (*b)[k] = sp[r.bits() % sp.size()];
  return b;
}

std::unique_ptr<OffsetBuffer> zeros(std::size_t n, std::size_t offset) {
  return std::make_unique<OffsetBuffer>(n, offset);
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

namespace {

// Elementwise y = f(x) on n floats (odd n: a tail on every ISA).
KernelCall unary(const char* name, void (*f)(const float*, float*, std::size_t),
                 std::size_t n = 1037, double scale = 30.0) {
  return {name, [=](std::uint64_t seed) {
            Prepared p;
            p.in.push_back(mixed(n, seed, scale));
            p.out.push_back(zeros(n));
            p.fn = [f, n](Prepared& q) { f(q.i(0), q.o(0), n); };
            return p;
          }};
}

}  // namespace

const std::vector<KernelCall>& kernel_calls() {
  static const std::vector<KernelCall> calls = [] {
    std::vector<KernelCall> v;
    // ---- math
    v.push_back(unary("exp", simdense::exp));
    v.push_back(unary("log1p", simdense::log1p));
    return v;
  }();
  return calls;
}

}  // namespace simdense::test
