// The avx512 kernels: compiled with -mavx512f -mavx512bw -mavx512dq -mavx512cd -mfma (cmake/simdense_isa.cmake), nothing else is.
#define SIMDENSE_NS isa_avx512
#include "impl/arch.hpp"

namespace simdense::SIMDENSE_NS {
using arch = xsimd::avx512bw;
constexpr Isa kIsa = Isa::avx512;
}  // namespace simdense::SIMDENSE_NS

#include "isa/isa-inl.hpp"
