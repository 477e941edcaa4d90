#include "support/bench_util.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <random>
#include <string>
#include <utility>

namespace simdense::bench {

namespace {
bool g_full = false;
std::vector<std::string>& names() {
  static std::vector<std::string> r;
  return r;
}
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
  names().push_back(name);
  return benchmark::RegisterBenchmark(name.c_str(), [isa, body](benchmark::State& st) {
    set_isa(isa);
    body(st);
  });
}

benchmark::internal::Benchmark* add_named(const std::string& name,
                                          std::function<void(benchmark::State&)> body) {
  names().push_back(name);
  return benchmark::RegisterBenchmark(name.c_str(), std::move(body));
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

const std::vector<std::string>& registered_names() { return names(); }

namespace {
std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\n");
  return s.substr(b, e - b + 1);
}
std::string read_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  if (!f || !std::getline(f, line)) return "";
  return trim(line);
}
}  // namespace

std::string cpu_model() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned max_ext = 0;
  {
    unsigned a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000u), "c"(0u));
    max_ext = a;
  }
  if (max_ext >= 0x80000004u) {
    char brand[49] = {};
    for (unsigned i = 0; i < 3; ++i) {
      unsigned r[4];
      __asm__ volatile("cpuid"
                       : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                       : "a"(0x80000002u + i), "c"(0u));
      std::memcpy(brand + 16 * i, r, 16);
    }
    const std::string s = trim(brand);
    if (!s.empty()) return s;
  }
#endif
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return trim(line.substr(colon + 1));
    }
  }
  return "unknown CPU";
}

std::vector<CacheInfo> cache_sizes() {
  std::vector<CacheInfo> out;
  for (int i = 0; i < 16; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    const std::string level = read_line(dir + "level");
    if (level.empty()) break;
    CacheInfo c;
    c.level = std::atoi(level.c_str());
    c.type = read_line(dir + "type");
    const std::string size = read_line(dir + "size");  // e.g. "48K", "2048K", "32M"
    char* end = nullptr;
    const unsigned long long v = std::strtoull(size.c_str(), &end, 10);
    std::size_t mult = 1;
    if (end != nullptr && (*end == 'K' || *end == 'k')) mult = 1024;
    if (end != nullptr && (*end == 'M' || *end == 'm')) mult = 1024 * 1024;
    if (end != nullptr && (*end == 'G' || *end == 'g')) mult = std::size_t(1) << 30;
    c.bytes = std::size_t(v) * mult;
    out.push_back(c);
  }
  return out;
}

}  // namespace simdense::bench
