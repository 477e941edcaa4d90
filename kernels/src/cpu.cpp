#include "cpu.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define SIMDENSE_X86 1
#endif

namespace simdense::detail {

#if SIMDENSE_X86
namespace {

struct Regs {
  unsigned a = 0, b = 0, c = 0, d = 0;
};

Regs cpuid(unsigned leaf, unsigned sub) {
  Regs r;
  __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
  return r;
}

// XGETBV(0): which register states the OS saves on a context switch. Inline asm so this TU
// needs no -mxsave flag.
std::uint64_t xgetbv0() {
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (std::uint64_t(hi) << 32) | lo;
}

bool bit(unsigned v, int i) { return (v >> i) & 1u; }

}  // namespace

CpuFeatures probe_cpu() noexcept {
  CpuFeatures f;
  f.prefetchw = cpuid(0x80000000u, 0).a >= 0x80000001u && bit(cpuid(0x80000001u, 0).c, 8);
  const unsigned max_leaf = cpuid(0, 0).a;
  if (max_leaf < 1) return f;
  const Regs l1 = cpuid(1, 0);
  f.sse2 = bit(l1.d, 26);
  const bool osxsave = bit(l1.c, 27), avx = bit(l1.c, 28), fma = bit(l1.c, 12);
  if (!osxsave || !avx || max_leaf < 7) return f;
  const std::uint64_t xcr0 = xgetbv0();
  const bool os_ymm = (xcr0 & 0x6) == 0x6;     // SSE (bit 1) and AVX (bit 2) state
  const bool os_zmm = (xcr0 & 0xE6) == 0xE6;   // + opmask, ZMM0-15 high, ZMM16-31 (bits 5-7)
  const Regs l7 = cpuid(7, 0);
  const bool avx2 = bit(l7.b, 5);
  const bool avx512f = bit(l7.b, 16), avx512dq = bit(l7.b, 17), avx512cd = bit(l7.b, 28),
             avx512bw = bit(l7.b, 30);
  f.avx2_fma = os_ymm && avx2 && fma;
  f.avx512 = f.avx2_fma && os_zmm && avx512f && avx512dq && avx512cd && avx512bw;
  return f;
}

std::string cpu_brand() {
  if (cpuid(0x80000000u, 0).a < 0x80000004u) return "";
  char s[49] = {};
  for (unsigned i = 0; i < 3; ++i) {
    const Regs r = cpuid(0x80000002u + i, 0);
    std::memcpy(s + 16 * i + 0, &r.a, 4);
    std::memcpy(s + 16 * i + 4, &r.b, 4);
    std::memcpy(s + 16 * i + 8, &r.c, 4);
    std::memcpy(s + 16 * i + 12, &r.d, 4);
  }
  std::string b(s);
  const auto first = b.find_first_not_of(' ');
  const auto last = b.find_last_not_of(' ');
  return first == std::string::npos ? "" : b.substr(first, last - first + 1);
}

#else
CpuFeatures probe_cpu() noexcept { return {}; }
std::string cpu_brand() { return ""; }
#endif

// The streaming activation loops' store policy (impl/elementwise-inl.hpp): the size of the
// last-level cache as the C library reports it (glibc reads CPUID leaf 4, or 0x8000001D on AMD;
// a virtual machine reports what its host exposes), read once; 0 when unknown, and 0 on a CPU
// without PREFETCHW (probe_cpu), which the ordinary-store loop executes.
std::size_t stream_llc_bytes() noexcept {
  static const std::size_t bytes = [] {
    const bool prfchw = probe_cpu().prefetchw;
    long v = -1;
#if defined(_SC_LEVEL3_CACHE_SIZE)
    v = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (v <= 0) v = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return prfchw && v > 0 ? std::size_t(v) : std::size_t(0);
  }();
  return bytes;
}

}  // namespace simdense::detail
