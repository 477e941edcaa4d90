// The table of kernels one ISA provides, and the dispatch that picks the active one.
// dispatch.cpp and the public wrappers (kernels/src/<family>.cpp) see only these declarations,
// never impl/: the SIMD code lives in isa/<isa>.cpp, the scalar reference in ref/.
#pragma once

#include <atomic>

#include <simdense/isa.hpp>

#include "tables/activations.hpp"
#include "tables/dense.hpp"
#include "tables/math.hpp"
#include "tables/matvec.hpp"
#include "tables/softmax.hpp"

namespace simdense::detail {

struct KernelTable {
  Isa isa;
  MathKernels math;
  ActivationKernels act;
  SoftmaxKernels softmax;
  MatvecKernels matvec;
  DenseKernels dense;
};

// The active table; null until first use (dispatch.cpp).
extern std::atomic<const KernelTable*> g_active;
// First use: resolve SIMDENSE_ISA or the best ISA, once.
const KernelTable& active_slow();
// The table of the active ISA (resolved on first use, thread-safe; throws on a bad SIMDENSE_ISA).
// Inline: every public call starts here, and after the first one it is one acquire load.
inline const KernelTable& active() {
  const KernelTable* t = g_active.load(std::memory_order_acquire);
  if (__builtin_expect(t != nullptr, 1)) return *t;
  return active_slow();
}
// The table of a given ISA, which must be supported (checked by the caller).
const KernelTable& table_for(Isa isa);

}  // namespace simdense::detail

// One table per ISA, defined in isa/<isa>.cpp and ref/table.cpp.
namespace simdense::isa_sse2 { extern const detail::KernelTable table; }
namespace simdense::isa_avx2 { extern const detail::KernelTable table; }
namespace simdense::isa_avx512 { extern const detail::KernelTable table; }
namespace simdense::ref { const detail::KernelTable& table(); }
