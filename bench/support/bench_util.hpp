// Benchmark support: which ISAs to measure, registration per family, inputs and buffers.
//
// A family file (bench/bench_<family>.cpp) defines `void register_<family>()` that calls add()
// for scalar and each ISA in bench_isas(), and registers it with SIMDENSE_BENCH_FAMILY. main()
// validates SIMDENSE_ISA first, then runs the registrars, so a bad value exits non-zero cleanly.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <simdense/simdense.hpp>
#include <string>
#include <vector>

namespace simdense::bench {

// Scalar and every ISA this CPU supports; only the one SIMDENSE_ISA names, if set.
std::vector<Isa> bench_isas();

// The quick profile (default) or the full one (--profile=full or SIMDENSE_BENCH_PROFILE=full).
bool full_profile();
void set_full_profile(bool full);

// Registers `kernel/isa/size` running body(state) with isa forced for the whole benchmark.
benchmark::internal::Benchmark* add(const std::string& kernel, Isa isa, const std::string& size,
                                    std::function<void(benchmark::State&)> body);

// Registers an ISA-independent benchmark under `name` as is (e.g. "memory/copy/64Ki").
benchmark::internal::Benchmark* add_named(const std::string& name,
                                          std::function<void(benchmark::State&)> body);

// Family registrars, run by main() after SIMDENSE_ISA is validated.
struct Family {
  Family(const char* name, void (*registrar)());
};
void register_families();
#define SIMDENSE_BENCH_FAMILY(name, fn) \
  static const ::simdense::bench::Family simdense_bench_family_##name(#name, fn)

// A float buffer placed at a controlled byte offset within its page (4K aliasing between an
// input and an output changes timings several-fold; benchmarks choose the offsets explicitly).
class PageBuffer {
 public:
  PageBuffer(std::size_t n, std::size_t page_offset_bytes);
  ~PageBuffer();
  PageBuffer(PageBuffer&& o) noexcept;
  PageBuffer(const PageBuffer&) = delete;
  PageBuffer& operator=(const PageBuffer&) = delete;
  float* data() { return data_; }
  const float* data() const { return data_; }
  std::size_t size() const { return n_; }
  float& operator[](std::size_t i) { return data_[i]; }

 private:
  void* base_ = nullptr;
  float* data_ = nullptr;
  std::size_t n_ = 0;
};

// The activation benchmarks' inputs: typical data N(0, 3) (kActSd) at every size, and wide data
// N(0, 12) (kWideSd) at kWideN floats, named <f>_sd12 (ours and the peers'): the tails (|x| > 9,
// where tables end, exponentials reach float's subnormal range) on most vectors.
inline constexpr float kActSd = 3.0f;
inline constexpr float kWideSd = 12.0f;
inline constexpr std::size_t kWideN = std::size_t(1) << 16;

// Typical data: normal-distributed values (mean, sd), deterministic for a seed.
void fill_normal(float* x, std::size_t n, std::uint64_t seed, float mean = 0.0f, float sd = 1.0f);

// Human label for a float count: 1024 -> "1Ki", 65536 -> "64Ki", 4194304 -> "4Mi".
std::string size_label(std::size_t n);

// Aborts the benchmark (SkipWithError) unless got matches want within rel_tol (relative to
// max(|want|, abs_floor)); NaN must match NaN. Used once per benchmark, outside the timed loop.
bool check_close(benchmark::State& state, const float* got, const float* want, std::size_t n,
                 double rel_tol, double abs_floor = 0.0);

// ---- Run context (added to the JSON output by main(); also used by the summary) ----

// The CPU's brand string from CPUID (e.g. "Intel(R) Xeon(R) Processor"), falling back to
// /proc/cpuinfo's "model name"; "unknown CPU" if neither is available.
std::string cpu_model();

// One cache of cpu0 as Linux reports it in /sys/devices/system/cpu/cpu0/cache/index*.
struct CacheInfo {
  int level = 0;
  std::string type;  // "Data", "Instruction", "Unified"
  std::size_t bytes = 0;
};
std::vector<CacheInfo> cache_sizes();

// Names of every benchmark registered through add(), in registration order.
const std::vector<std::string>& registered_names();

}  // namespace simdense::bench
