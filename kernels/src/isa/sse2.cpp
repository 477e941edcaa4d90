// The sse2 kernels: compiled with -msse2 (cmake/simdense_isa.cmake), nothing else is.
#define SIMDENSE_NS isa_sse2
#include "impl/arch.hpp"

namespace simdense::SIMDENSE_NS {
using arch = xsimd::sse2;
constexpr Isa kIsa = Isa::sse2;
}  // namespace simdense::SIMDENSE_NS

#include "isa/isa-inl.hpp"
