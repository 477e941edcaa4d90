// simdense/activations.hpp: elementwise activations and their derivatives, float32.
//
// Forward: y[i] = f(x[i]). Backward: dx[i] = dy[i] * f'(x[i]) in one fused pass, f' computed
// from x by a stable formula. Every call goes through the run-time ISA dispatch (scalar
// reference, SSE2, AVX2+FMA, AVX-512).
//
// Accuracy: ULP distance from the correctly rounded value, worst case over every finite float
// (measured by tests/test_activations.cpp: strided sweeps of all 2^32 patterns in CI, all of
// them in the `exhaustive` suite). Bounds for f and f' (the backward result dy*f'(x) is rounded
// once more: for dy != +-1 add 1 ULP; the scalar reference rounds once):
//
//   function    f (AVX2/AVX-512)          f'                       SSE2 (no FMA)
//   sigmoid     <= 2, subnormals kept     <= 4                     same bounds
//   tanh        <= 1                      <= 4                     f <= 2
//   relu/leaky  exact                     exact                    exact
//   elu         <= 1 (alpha = 1)          <= 1 (alpha = 1)         f, f' <= 2
//   silu        <= 4 (<= 2 for x >= -64)  <= 16 (*)                f <= 4 for all x
//   gelu (erf)  <= 4                      <= 16 (*)                f <= 8, f' <= 24
//   gelu_tanh   <= 4 for x >= -4,         <= 16 (*)                f <= 16
//               <= 16 overall
//   softplus    <= 2                      = sigmoid (<= 2)         same
//   (*) at least 0.1 away from the derivative's root (silu' -1.2785, gelu' -0.7518,
//       gelu_tanh' -0.7525); absolute error <= 1e-7 within 0.1 of it.
//   With alpha != 1, elu and elu' round once more (<= 2 ULP).
//   The scalar reference (Isa::scalar) evaluates each formula in double and rounds once: <= 1
//   ULP (tested bound; correctly rounded on every input the tests try).
//   Measured worst cases (avx512, all floats, double reference) are in the README; sigmoid and
//   silu' (AVX2) spend part of their margin for speed (sigmoid 2 ULP for x < 0, silu' up to 11
//   just outside the root's 0.1 window). On AVX-512, sigmoid' and tanh' are polynomial
//   tables for |x| < 19.69 / 9.84, and silu', sigmoid, silu and softplus for x in
//   [-10.31, 9.69) (exp forms beyond; softplus' = sigmoid uses sigmoid's): 2 ULP for
//   sigmoid', tanh', sigmoid, silu, softplus and 6 for silu' over every float of those ranges
//   (since session 10, which traded 1 ULP of that margin for 1.2-1.3x in the forward passes).
//   A lane inside a table always takes the table, whatever its neighbours: each output depends
//   on its own input only (see below). Wide inputs pay for that: a vector with lanes on both
//   sides evaluates the table and the exp form (N(0, 12): sigmoid, silu, sigmoid', tanh' run at
//   0.4-0.9x of the best peer, see the README).
//
// Position independence: y[i] (and dx[i]) depends on x[i] (and dy[i]) only, not on n, on the
// arrays' alignment or on the neighbouring elements: the same bits whether computed alone or
// in any array, on a given ISA (ISAs differ from each other within their bounds).
//
// Backward where f'(x) underflows: for every activation with an exponential tail the product
// dy * f'(x) is formed without rounding f'(x) first, so the bound holds for dx itself even where
// f'(x) is subnormal or below float's range and |dy| > 1 (e.g. elu_grad(-104, dy = 4.2,
// alpha = -1e19) = -2.87e-26, subnormal dx included), and dy = +-inf gives +-inf (times the
// sign of f'(x), which is nonzero at every finite x; f'(+-inf) = 0 gives NaN). gelu' (x < -13)
// and gelu_tanh' (x < -9.5) joined in this later: gelu_grad(-14, dy = 1e30) = -1.4e-12, and
// dy = inf gives -inf down to x = -38 (gelu') and -20 (gelu_tanh', where the exact f'(x) is
// below 1e-260: beyond, the rare path evaluates f' at -38 / -20, which only dy = +-inf can see).
//
// Special values: NaN in gives NaN out for every function and derivative (relu and leaky relu
// included). f(+-inf) is the limit: sigmoid 1/0, tanh +-1, relu +inf/0, leaky +-inf, elu
// +inf/-alpha, silu/gelu/gelu_tanh +inf/-0, softplus +inf/0; f'(+-inf) likewise (sigmoid',
// tanh' 0; relu', silu', gelu', gelu_tanh' 1/0; leaky' 1/alpha; elu' 1/0).
// Signs of zero: relu(-0) = -0, leaky(-0) = -0, elu(-0) = -0, tanh(-0) = -0, silu/gelu/gelu_tanh
// of -0 = -0; relu'(0) = 0, leaky'(0) = alpha, elu'(0) = 1. Subnormal inputs are ordinary
// inputs (the FPU's flush-to-zero state is never changed; results assume it is off).
//
// Aliasing: y may be x exactly (in place); dx may be x or dy exactly. Any partial overlap of
// an output with an input throws std::invalid_argument. A null pointer with n > 0 throws
// std::invalid_argument naming the argument; n = 0 does nothing.
//
// Speed on wide inputs (AVX-512 and AVX2): no result or intermediate is formed as a subnormal
// by a floating-point operation (each would cost a ~135-215-cycle microcode assist with FTZ
// off); subnormal results are rounded by integer arithmetic, so N(0, 12) inputs take at most ~3x
// the time of N(0, 3) ones (benchmarks <f>_sd12; mostly because the tables end at |x| ~ 9-19).
// The backward passes' tails (|x| > 87 for sigmoid', silu', softplus', elu'; > 43 for tanh';
// x < -13 / -9.5 for gelu' / gelu_tanh'), where f'(x) leaves float's normal range, are computed
// in float with dy f'(x) scaled once at the end (<= 1 ULP there on FMA ISAs, silu' 2, gelu_tanh'
// 5), at 2-5x the time of x = -1; only tail lanes with |dy| > 2^40 (dy alpha for elu',
// dy (1 + x) for silu'; gelu': |dy| > 20, gelu_tanh': |dy| > 1e7) or x = +-inf, and elu' with
// an alpha so small that alpha e^x is subnormal, are recomputed in double (~15-40 ns per lane).
// Still slow on SSE2: sigmoid, silu and softplus for |x| in [44, 104], softplus' for x in
// [-87, -44].
//
// Stores: from n >= 2^21 floats (8 MiB) the output is written with non-temporal (streaming)
// stores, which bypass the cache: faster from DRAM, but the next reader finds y in memory, not
// in cache. Results are identical either way.
#pragma once

#include <cstddef>

namespace simdense {

// An activation as a value, so a dense layer can hold it.
enum class Activation { identity, sigmoid, tanh, relu, leaky_relu, elu, silu, gelu, gelu_tanh, softplus };

// Default parameters: leaky relu slope 0.01, elu alpha 1.
inline constexpr float kLeakyReluAlpha = 0.01f;
inline constexpr float kEluAlpha = 1.0f;

// The default alpha of an activation (kLeakyReluAlpha, kEluAlpha, 0 for the others).
constexpr float default_alpha(Activation f) {
  return f == Activation::leaky_relu ? kLeakyReluAlpha : f == Activation::elu ? kEluAlpha : 0.0f;
}

// "sigmoid", "gelu_tanh", ...
const char* activation_name(Activation f);

// sigmoid: y = 1/(1 + e^-x). sigmoid_grad: dx = dy * sigmoid(x)(1 - sigmoid(x)), computed as
// dy * e/(1+e)^2 with e = e^-|x| (accurate where the output-based form is 0).
void sigmoid(const float* x, float* y, std::size_t n);
void sigmoid_grad(const float* x, const float* dy, float* dx, std::size_t n);

// tanh: y = tanh(x). tanh_grad: dx = dy * (1 - tanh^2 x), as dy * 4E/(1+E)^2, E = e^-2|x|.
void tanh(const float* x, float* y, std::size_t n);
void tanh_grad(const float* x, const float* dy, float* dx, std::size_t n);

// relu: y = x for x >= 0 (and NaN), 0 for x < 0. relu_grad: dx = dy for x > 0, 0 for x <= 0.
void relu(const float* x, float* y, std::size_t n);
void relu_grad(const float* x, const float* dy, float* dx, std::size_t n);

// leaky_relu: y = x for x >= 0, alpha*x for x < 0. grad: dy for x > 0, alpha*dy for x <= 0.
// alpha must be finite.
void leaky_relu(const float* x, float* y, std::size_t n, float alpha = kLeakyReluAlpha);
void leaky_relu_grad(const float* x, const float* dy, float* dx, std::size_t n,
                     float alpha = kLeakyReluAlpha);

// elu: y = x for x >= 0, alpha*(e^x - 1) for x < 0 (via expm1). grad: dy for x >= 0,
// alpha*e^x*dy for x < 0. alpha must be finite.
void elu(const float* x, float* y, std::size_t n, float alpha = kEluAlpha);
void elu_grad(const float* x, const float* dy, float* dx, std::size_t n, float alpha = kEluAlpha);

// silu (swish): y = x*sigmoid(x). grad: dy*sigmoid(x)(1 + x(1 - sigmoid(x))).
void silu(const float* x, float* y, std::size_t n);
void silu_grad(const float* x, const float* dy, float* dx, std::size_t n);

// gelu: y = x*Phi(x) = x/2 * erfc(-x/sqrt 2) (erfc form: never 1 + erf). grad: dy*(Phi(x) + x phi(x)).
// Built from |x| Q(|x|) = |x| G(|x|) e^(-x^2/2) (Gaussian exponent split exactly, 2^n applied
// last, so subnormal results round once; G from a 32-piece table on AVX-512, 8 on AVX2).
// Measured worst over all 2^32 floats: AVX-512 f 3 ULP, f' 7; AVX2 f 3, f' 5 (strided sweeps
// on SSE2: f 5, f' 19).
void gelu(const float* x, float* y, std::size_t n);
void gelu_grad(const float* x, const float* dy, float* dx, std::size_t n);

// gelu_tanh: y = x/2 (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))), evaluated as x*sigmoid(2u)
// with 2u carried in two floats. Measured worst over all 2^32 floats, AVX-512 and AVX2: f 2 ULP
// (also for x < -4), f' 12 (strided sweeps on SSE2: f 2, f' 9).
void gelu_tanh(const float* x, float* y, std::size_t n);
void gelu_tanh_grad(const float* x, const float* dy, float* dx, std::size_t n);

// softplus: y = log(1 + e^x) = max(x, 0) + log1p(e^-|x|). grad: dy*sigmoid(x).
void softplus(const float* x, float* y, std::size_t n);
void softplus_grad(const float* x, const float* dy, float* dx, std::size_t n);

// The activation as a value: y = f(x), dx = dy*f'(x). The overloads without alpha use
// default_alpha(f); alpha is ignored by the activations that have none.
void activation(Activation f, const float* x, float* y, std::size_t n);
void activation(Activation f, const float* x, float* y, std::size_t n, float alpha);
void activation_grad(Activation f, const float* x, const float* dy, float* dx, std::size_t n);
void activation_grad(Activation f, const float* x, const float* dy, float* dx, std::size_t n,
                     float alpha);

// Backward passes from the forward output y = f(x) (no transcendental: cheaper, but weaker):
//   sigmoid: dx = dy*y(1 - y); tanh: dx = dy*(1 - y)(1 + y); relu: dx = dy*(y > 0);
//   elu (alpha > 0 required): dx = dy for y > 0, dy*(y + alpha) for y <= 0.
// Accuracy: these are exact formulas of y rounded 2-3 times (<= 2 ULP of the formula applied
// to the float y), but y itself is rounded, so against f'(x) the error grows where the
// derivative is small: sigmoid' for x > 17 and tanh' for |x| > 9 come out 0 (y rounds to 1)
// while the x-based *_grad return the tiny true value; elu' loses relative accuracy as
// y -> -alpha (x < -17: 0 instead of alpha e^x). relu is exact.
bool has_grad_from_output(Activation f);  // sigmoid, tanh, relu, elu
void activation_grad_from_output(Activation f, const float* y, const float* dy, float* dx,
                                 std::size_t n);
void activation_grad_from_output(Activation f, const float* y, const float* dy, float* dx,
                                 std::size_t n, float alpha);
void sigmoid_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n);
void tanh_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n);
void relu_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n);
void elu_grad_from_output(const float* y, const float* dy, float* dx, std::size_t n,
                          float alpha = kEluAlpha);

}  // namespace simdense
