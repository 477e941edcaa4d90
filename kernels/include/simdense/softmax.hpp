// simdense/softmax.hpp: softmax, log-softmax, their backward passes, cross-entropy (integer
// labels and soft targets, each with a fused gradient) and sigmoid binary cross-entropy.
//
// Method (every ISA): per row an online max-and-sum pass in blocks of 4096 floats (block max,
// then e^(x - L) against a reference L near the running max m; the rounding of x - m is never
// amplified by exp: for |m| < 2^14, L is m rounded to 2^-9 and exp's reduction r = x - (L + n C1)
// is exact up to one rounding at |r| <= ln2/2; beyond, x - L is split exactly into hi + lo
// (Fast2Sum, TwoSum for |m| >= 2^22); the sum accumulates in double and is rescaled in double
// when the running max grows), then one normalize pass. Relative errors below are measured
// against long double references (tests/test_softmax.cpp) at logit spreads 1, 100 and 10000
// and row lengths 10 ... 32000, masked (-inf) entries included.
//
// Special values, all functions of this header:
// - a -inf logit is "masked": probability exactly 0, log-probability -inf, loss contribution 0
//   when its target is 0; it does not change the other entries.
// - a row containing a NaN or a +inf logit, or whose logits are all -inf, is a NaN row: every
//   output of that row (probabilities, log-probabilities, gradient) is NaN and its loss is NaN
//   (so a batched mean is NaN too). Never a crash.
// - n = 1: probability 1, log-probability 0, loss 0 (finite logit).
// Results whose true value is below the normal range (< 1.18e-38) may be flushed to 0. A loss or
// log-probability that is itself normal keeps its relative bound even when the terms of the
// non-max mass underflow (e.g. logits [0, -88.5 x 10]: loss log1p(10 e^-88.5) = 3.7e-38): such
// rows (non-max mass < n 2^-99) recompute that mass in double, a slower scalar pass, except in
// cross_entropy_grad[_batch] and cross_entropy_soft_grad[_batch] IN PLACE (dlogits == logits),
// where the logits are already overwritten: there the loss of such a row is only accurate to
// ~n * 1.2e-38 absolute.
//
// Errors: null pointers with a non-zero size and ld < n throw std::invalid_argument naming the
// argument; a label >= n throws std::out_of_range naming `label` (`labels[r]` in batches);
// targets outside [0, 1] or NaN throw std::invalid_argument naming `targets[i]`; a target length
// different from n throws std::invalid_argument naming `targets_n`.
#pragma once

#include <cstddef>

namespace simdense {

// ---- softmax and log-softmax ---------------------------------------------------------------

// softmax: y_i = e^(x_i - max) / sum_j e^(x_j - max). Every element whose true value is normal is
// within 2.5e-7 relative on every ISA (SSE2 included: the exact split needs no FMA), and
// |sum y - 1| <= 3e-7. n = 0 is a no-op. x and y may alias exactly (in place); no partial overlap.
void softmax(const float* x, float* y, std::size_t n);

// log_softmax: y_i = x_i - max - log(sum_j e^(x_j - max)), within 1.2e-7 relative (also for the
// tiny log-probability of a dominant entry, via log1p of the non-max mass), -inf for masked
// entries. n = 0 is a no-op. x and y may alias exactly (in place); no partial overlap.
void log_softmax(const float* x, float* y, std::size_t n);

// Batched forms: `rows` rows of n floats, row r at x + r*ld (ld >= n; rows = 0 is a no-op). The
// same ld is used for x and y. x and y may alias exactly; otherwise the spans must not overlap.
void softmax_batch(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld);
void log_softmax_batch(const float* x, float* y, std::size_t rows, std::size_t n, std::size_t ld);

// ---- backward passes without a loss --------------------------------------------------------

// softmax_backward: dx = y * (dy - <dy, y>), the Jacobian diag(y) - y y^T applied to dy without
// forming it; y is the softmax output of the forward pass (0 <= y_i <= 1). <dy, y> is accumulated
// in double; each dx_i = y_i dy_i - y_i <dy,y> (no intermediate dy - <dy,y>, which could overflow
// for |dy| near FLT_MAX) for the given y and dy within 3 roundings:
// |error| <= 2.5e-7 * y_i * (|dy_i| + |<dy,y>|). dx overflows to +-inf only when its true value
// exceeds FLT_MAX. (|<dy,y>| > FLT_MAX, possible only when y is not a probability vector, may
// give a non-finite row.)
// dx may alias y or dy exactly; no partial overlaps. n = 0 is a no-op.
void softmax_backward(const float* y, const float* dy, float* dx, std::size_t n);

// log_softmax_backward: dx = dy - softmax(x) * sum(dy), with softmax(x) = e^y taken from the
// log-softmax output y of the forward pass (so the error of that term grows with |y| as the
// rounding of y does: <= (1.5 + |y|) * 6e-8 relative of e^y * sum(dy) on AVX2 / AVX-512,
// (3 + |y|) * 6e-8 on SSE2, whose exp has 2 ULP and no fused multiply-add), plus one rounding
// of dx; sum(dy) in double. The product e^y * sum(dy) is formed as (e^y 2^k) * (sum(dy) 2^-k),
// k the exponent of the sum (at half scale where it is above ~2^99), so it is neither flushed
// when e^y is below the float range (y < -87) nor overflowed when sum(dy) or the product
// exceeds FLT_MAX: every dx whose true value is finite is finite (for y <= 250), only a true
// dx beyond FLT_MAX gives +-inf. An infinite sum(dy) gives the limits dy - (+-inf) (NaN where
// y = -inf or NaN). dx may alias y or dy exactly. n = 0 is a no-op.
void log_softmax_backward(const float* y, const float* dy, float* dx, std::size_t n);

// Batched backward passes: row r of each matrix at ptr + r*ld, ld >= n.
void softmax_backward_batch(const float* y, const float* dy, float* dx, std::size_t rows,
                            std::size_t n, std::size_t ld);
void log_softmax_backward_batch(const float* y, const float* dy, float* dx, std::size_t rows,
                                std::size_t n, std::size_t ld);

// ---- cross-entropy with an integer label ---------------------------------------------------

// cross_entropy: -log softmax(logits)_label, computed as logsumexp(logits) - logits[label] (never
// as log(softmax)); within 1.2e-7 relative, also when the target logit is 10000 below the max
// (loss ~ 1e4) and when it dominates (loss ~ 1e-13). +inf when logits[label] is -inf (masked).
// n = 0 or label >= n throws std::out_of_range naming `label`.
float cross_entropy(const float* logits, std::size_t n, std::size_t label);

// cross_entropy_grad: returns the same loss and writes dlogits = softmax(logits) - onehot(label)
// in the same pass; each element within 2.5e-7 relative (the label's entry is computed as
// -(sum of the other probabilities), so it keeps full relative accuracy when softmax_label ~ 1).
// dlogits may alias logits exactly (in place); no partial overlap.
float cross_entropy_grad(const float* logits, std::size_t n, std::size_t label, float* dlogits);

// Batched: rows of logits at logits + r*ld (ld >= n), labels[r] < n. Returns the MEAN loss over
// the rows (0 for rows = 0). The gradient rows are softmax - onehot for each row, i.e. the
// gradient of the SUM of the row losses: scale by 1/rows for the gradient of the returned mean.
// dlogits uses the same ld and may alias logits exactly; labels must not overlap the outputs.
float cross_entropy_batch(const float* logits, const std::size_t* labels, std::size_t rows,
                          std::size_t n, std::size_t ld);
float cross_entropy_grad_batch(const float* logits, const std::size_t* labels, float* dlogits,
                               std::size_t rows, std::size_t n, std::size_t ld);

// ---- cross-entropy with soft targets ---------------------------------------------------------

// cross_entropy_soft: H(p, q) = -sum_i p_i log q_i with q = softmax(logits) and p = targets
// (targets_n must equal n; each p_i in [0, 1], NaN refused; sum p = 1 is NOT required: H is
// evaluated as written). Computed as log(S) * sum p - sum p_i (x_i - max), all terms of one
// sign, in double: within 1.2e-7 relative. p_i = 0 contributes 0 even for a masked (-inf)
// logit; p_i > 0 at a masked logit gives +inf. n = 0 returns 0.
float cross_entropy_soft(const float* logits, std::size_t n, const float* targets,
                         std::size_t targets_n);

// cross_entropy_soft_grad: the same loss, and dlogits = softmax(logits) - p (the gradient of H
// when sum p = 1) in the same pass, each element within 2.5e-7 * max(q_i, p_i) absolute.
// dlogits may alias logits exactly, but must not overlap targets.
float cross_entropy_soft_grad(const float* logits, std::size_t n, const float* targets,
                              std::size_t targets_n, float* dlogits);

// Batched soft targets: logits, targets and dlogits all rows x n with row stride ld. Mean loss;
// gradient rows unscaled (as cross_entropy_grad_batch).
float cross_entropy_soft_batch(const float* logits, const float* targets, std::size_t rows,
                               std::size_t n, std::size_t ld);
float cross_entropy_soft_grad_batch(const float* logits, const float* targets, float* dlogits,
                                    std::size_t rows, std::size_t n, std::size_t ld);

// ---- sigmoid binary cross-entropy ------------------------------------------------------------

// sigmoid_bce: for scores s_i and targets t_i in [0, 1] (NaN or out of range -> invalid_argument
// naming `targets[i]`), loss_i = softplus(s_i) - t_i s_i = max(s,0) - t s + log1p(e^-|s|)
// (the lecture's J = -log sigmoid(s) is t = 1), evaluated as a sum of two non-negative terms:
// within 2.5e-7 relative. Returns the mean over i (0 for n = 0); writes the
// per-element losses to `losses` when it is not null. NaN scores propagate; s = +-inf gives 0
// or +inf as the limit says. losses may alias scores or targets exactly.
float sigmoid_bce(const float* scores, const float* targets, std::size_t n,
                  float* losses = nullptr);

// sigmoid_bce_grad: the same mean loss, and dscores_i = sigmoid(s_i) - t_i (the gradient of the
// SUM of the losses; scale by 1/n for the mean), within 2.5e-7 * max(sigmoid(s_i), t_i)
// absolute. dscores (and losses) may alias scores or targets exactly, but not each other.
float sigmoid_bce_grad(const float* scores, const float* targets, std::size_t n, float* dscores,
                       float* losses = nullptr);

}  // namespace simdense
