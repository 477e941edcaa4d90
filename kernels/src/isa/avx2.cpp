// The avx2 kernels: compiled with -mavx2 -mfma (cmake/simdense_isa.cmake), nothing else is.
#define SIMDENSE_NS isa_avx2
#include "impl/arch.hpp"

namespace simdense::SIMDENSE_NS {
using arch = xsimd::fma3<xsimd::avx2>;
constexpr Isa kIsa = Isa::avx2;
}  // namespace simdense::SIMDENSE_NS

#include "isa/isa-inl.hpp"
