#include "ref/ref.hpp"

namespace simdense::ref {

// A function-local static: built on first use, so no static-initialization-order trap.
const detail::KernelTable& table() {
  static const detail::KernelTable t = {Isa::scalar, math_kernels(), activation_kernels(), softmax_kernels(),
                                        matvec_kernels(), dense_kernels()};
  return t;
}

}  // namespace simdense::ref
