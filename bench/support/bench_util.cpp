#include "support/bench_util.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <string>
#include <utility>

namespace simdense::bench {

namespace {
bool g_full = false;
std::vector<std::pair<const char*, void (*)()>>& registry() {
  static std::vector<std::pair<const char*, void (*)()>> r;
  return r;
}
}  // namespace

std::vector<Isa> bench_isas() {
  const char* env = std::getenv("SIMDENSE_ISA");
  if (env != nullptr && *env != '\0') return {active_isa()};
  return supported_isas();
}

bool full_profile() { return g_full; }
void set_full_profile(bool full) { g_full = full; }

benchmark::internal::Benchmark* add(const std::string& kernel, Isa isa, const std::string& size,
                                    std::function<void(benchmark::State&)> body) {
  const std::string name = kernel + "/" + isa_name(isa) + "/" + size;
  return benchmark::RegisterBenchmark(name.c_str(), [isa, body](benchmark::State& st) {
    set_isa(isa);
    body(st);
  });
}

Family::Family(const char* name, void (*registrar)()) { registry().emplace_back(name, registrar); }

void register_families() {
  for (auto& f : registry()) f.second();
}

PageBuffer::PageBuffer(std::size_t n, std::size_t page_offset_bytes) : n_(n) {
  const std::size_t bytes = n * sizeof(float) + page_offset_bytes + 4096;
  base_ = std::aligned_alloc(4096, (bytes + 4095) / 4096 * 4096);
  if (base_ == nullptr) throw std::bad_alloc();
  data_ = reinterpret_cast<float*>(static_cast<char*>(base_) + page_offset_bytes);
  std::memset(data_, 0, n * sizeof(float));
}
PageBuffer::~PageBuffer() { std::free(base_); }
PageBuffer::PageBuffer(PageBuffer&& o) noexcept : base_(o.base_), data_(o.data_), n_(o.n_) {
  o.base_ = nullptr;
  o.data_ = nullptr;
  o.n_ = 0;
}

void fill_normal(float* x, std::size_t n, std::uint64_t seed, float mean, float sd) {
  std::mt19937_64 g(seed);
  std::normal_distribution<float> d(mean, sd);
  for (std::size_t i = 0; i < n; ++i) x[i] = d(g);
}

std::string size_label(std::size_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + "Mi";
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + "Ki";
  return std::to_string(n);
}

bool check_close(benchmark::State& state, const float* got, const float* want, std::size_t n,
                 double rel_tol, double abs_floor) {
  for (std::size_t i = 0; i < n; ++i) {
    const double g = got[i], w = want[i];
    if (std::isnan(w) && std::isnan(g)) continue;
    if (std::isinf(w) && g == w) continue;
    const double tol = rel_tol * std::fmax(std::fabs(w), abs_floor);
    if (!(std::fabs(g - w) <= tol)) {
      state.SkipWithError(("result differs from scalar at i = " + std::to_string(i) + ": " +
                           std::to_string(g) + " vs " + std::to_string(w))
                              .c_str());
      return false;
    }
  }
  return true;
}

}  // namespace simdense::bench
