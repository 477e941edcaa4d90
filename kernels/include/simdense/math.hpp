// simdense/math.hpp: elementwise exp and log1p, the cores the activations and softmax build on.
#pragma once

#include <cstddef>

namespace simdense {

// exp: y = e^x. <= 1 ULP on AVX2/AVX-512 (<= 2 on SSE2) over all floats, subnormal results
// included (no flush); overflow gives +inf, e^-inf = 0; NaN propagates. x and y may alias.
void exp(const float* x, float* y, std::size_t n);

// log1p: y = log(1 + x). <= 1 ULP on AVX2/AVX-512 (<= 2 on SSE2) for x >= -1; x < -1 gives NaN,
// log1p(-1) = -inf, log1p(+inf) = +inf, sign of -0 kept; NaN propagates. x and y may alias.
void log1p(const float* x, float* y, std::size_t n);

}  // namespace simdense
