// Our own CPU probe (xsimd 8.1's skips XGETBV and reads AVX from the wrong CPUID leaf).
#pragma once

#include <string>

namespace simdense::detail {

struct CpuFeatures {
  bool sse2 = false;
  bool avx2_fma = false;  // AVX2 + FMA3, with the OS saving YMM state
  bool avx512 = false;    // AVX-512 F+BW+DQ+CD (+FMA3), with the OS saving ZMM/opmask state
  bool prefetchw = false; // PREFETCHW (CPUID 0x80000001 ECX bit 8): the ordinary-store streaming loop
};

CpuFeatures probe_cpu() noexcept;
std::string cpu_brand();  // e.g. "AMD Ryzen 9 7950X 16-Core Processor"; "" if unknown

}  // namespace simdense::detail
