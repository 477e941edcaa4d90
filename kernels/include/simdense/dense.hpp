// simdense/dense.hpp: dense layers and fused SGD steps.
//
//  * dense_binary_step / dense_binary_train: the lecture network (one hidden dense layer, a
//    logistic output unit, binary cross-entropy), one call per SGD step or per stream of samples.
//  * DenseLayer: forward, backward, fused backward+SGD, streaming SGD, mini-batch variants,
//    Jacobians.
//  * Network: a multi-layer perceptron with a softmax cross-entropy head.
//
// Conventions. Matrices are row-major float32: W is m x n (m outputs, n inputs) with row stride
// ldw >= n (ldw = n when not given). Vectors are dense. Shapes may be 0 (nothing to do, or a
// bias-only layer when n = 0). Bad arguments throw std::invalid_argument (null pointer with a
// non-zero count, ldw < n, overlapping outputs, non-finite lr or alpha, a bad Activation value)
// or std::out_of_range (a label outside its range), the message naming function and argument.
// NaN and inf in the data propagate (no check, no clamp). Arrays a call writes must not overlap
// any other array of that call (checked).
//
// Accuracy. Every sum is in float with fused multiply-adds on AVX2/AVX-512 (two roundings on
// SSE2); a dot product of length n has the usual error <= ~n eps sum |w_j x_j| (in practice far
// less). The update W - (lr dz_i) x_j rounds once (FMA ISAs). The `scalar` ISA computes the
// whole lecture step in double and rounds each result once. Activations and their derivatives
// are the shared functors of the activations family (their ULP bounds are documented in
// simdense/activations.hpp). Fused, unfused and streaming variants use the same per-row
// accumulation order on a given ISA, so they agree bit for bit (tested).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <simdense/activations.hpp>

namespace simdense {

// default_alpha(f) (activations.hpp) gives the activation parameter used when none is given.

// ---- the lecture network ----------------------------------------------------------------------
//
// For input x (n), W (m x n), b (m), u (m), label t in [0, 1]:
//   z = W x + b, h = f(z), s = u.h, J = -t log sigmoid(s) - (1-t) log(1 - sigmoid(s)),
// computed stably as J = max(s, 0) - t s + log1p(e^-|s|) (= softplus(s) - t s).
// Backward: ds = sigmoid(s) - t, dz = (ds u) * f'(z), dJ/dW = dz x^T, dJ/db = dz,
// dJ/du = ds h, dJ/dx = W^T dz (old W). Update: theta -= lr dJ/dtheta for W, b, u.
//
// dense_binary_step performs the whole step in place and returns J computed with the
// parameters before the update. Fused: one pass reads W for z = W x + b; a second pass reads
// each row of W, accumulates dx with the old row (when dx is given), applies the update and
// stores it: W moves 3 times (2 reads, 1 write) where the composition of separate kernels moves
// it 4 times (3 reads, 1 write; 3 times without dx).
//
// Refused: t NaN (invalid_argument) or outside [0, 1] (out_of_range); non-finite lr; null
// pointers with m or n > 0; ldw < n; W, b, u, dx overlapping each other, x or (train) X, t.
float dense_binary_step(float* W, float* b, float* u, std::size_t m, std::size_t n, Activation f,
                        const float* x, float t, float lr);
// Also writes dJ/dx = W_old^T dz to dx (n floats; must not overlap x).
float dense_binary_step(float* W, float* b, float* u, std::size_t m, std::size_t n, Activation f,
                        const float* x, float t, float lr, float* dx);
// General form: row stride ldw, activation parameter alpha (leaky slope / elu alpha), dx may
// be null.
float dense_binary_step(float* W, std::size_t ldw, float* b, float* u, std::size_t m,
                        std::size_t n, Activation f, float alpha, const float* x, float t,
                        float lr, float* dx);
// The same step composed of separate passes over W (forward; W^T dz; update), for comparison
// and benchmarks. Same results as dense_binary_step to float rounding (bit-identical W, b, u,
// J on a given ISA: same per-row order; dx identical too).
float dense_binary_step_unfused(float* W, std::size_t ldw, float* b, float* u, std::size_t m,
                                std::size_t n, Activation f, float alpha, const float* x,
                                float t, float lr, float* dx);

// Plain per-sample SGD over `count` samples (X row-major count x n, labels t[count]); returns
// the mean of the per-sample losses, each computed before its own update (0 when count = 0).
// The update for sample k and the forward z = W x_{k+1} + b for sample k+1 share one pass over
// W (load row, update it, dot it with the next input, store it): W moves twice per sample
// (1 read, 1 write). Results equal `count` calls of dense_binary_step bit for bit on a given ISA.
float dense_binary_train(float* W, float* b, float* u, std::size_t m, std::size_t n,
                         Activation f, const float* X, const float* t, std::size_t count,
                         float lr);
// General form: row strides ldw (W) and ldx (X), activation parameter alpha.
float dense_binary_train(float* W, std::size_t ldw, float* b, float* u, std::size_t m,
                         std::size_t n, Activation f, float alpha, const float* X,
                         std::size_t ldx, const float* t, std::size_t count, float lr);

// ---- a dense layer ------------------------------------------------------------------------------
//
// h = f(z), z = W x + b, W m x n (row stride ld), b m. Owning (zero-initialized storage, or
// init_random) or a view of caller memory (W with row stride ldw, b), which must outlive the
// layer. All buffers passed to methods are dense: x n, z h dh m, dx n, dW m x n (row stride n),
// batches row-major (batch x n or batch x m). Null optional outputs are skipped.
// Methods are reentrant (per-thread scratch); concurrent updates of one layer are not.
class DenseLayer {
 public:
  // Owning: out x in weights and bias, all zero.
  DenseLayer(std::size_t in, std::size_t out, Activation f, float alpha);
  DenseLayer(std::size_t in, std::size_t out, Activation f)
      : DenseLayer(in, out, f, default_alpha(f)) {}
  // View of caller memory: W (out x in, row stride ldw >= in) and b (out).
  DenseLayer(float* W, std::size_t ldw, float* b, std::size_t in, std::size_t out, Activation f,
             float alpha);
  DenseLayer(float* W, std::size_t ldw, float* b, std::size_t in, std::size_t out, Activation f)
      : DenseLayer(W, ldw, b, in, out, f, default_alpha(f)) {}
  DenseLayer(const DenseLayer& o);  // an owning copy of an owning layer; a view copies the view
  DenseLayer& operator=(const DenseLayer& o);
  DenseLayer(DenseLayer&&) noexcept = default;
  DenseLayer& operator=(DenseLayer&&) noexcept = default;

  std::size_t input_size() const { return n_; }
  std::size_t output_size() const { return m_; }
  std::size_t ld() const { return ld_; }
  Activation activation() const { return f_; }
  float alpha() const { return alpha_; }
  bool owning() const { return owning_; }
  float* weights() { return W_; }
  const float* weights() const { return W_; }
  float* bias() { return b_; }
  const float* bias() const { return b_; }

  // W ~ N(0, sd^2), b = 0, seeded (splitmix64 + Box-Muller: the same values on every platform).
  // sd = sqrt(2 / in) (He) for relu, leaky_relu, elu, silu, gelu, gelu_tanh;
  // sd = sqrt(2 / (in + out)) (Glorot/Xavier) for identity, sigmoid, tanh, softplus.
  void init_random(std::uint64_t seed);

  // z = W x + b, h = f(z) (h may be null). One pass over W.
  void forward(const float* x, float* z, float* h) const;
  // Z[k] = W X[k] + b, H[k] = f(Z[k]) for k < batch (H may be null). W is read from memory once
  // per batch (blocks of rows stay in cache while all samples use them).
  void forward_batch(const float* X, std::size_t batch, float* Z, float* H) const;

  // dz = dh * f'(z); dx = W^T dz, dW = dz x^T (m x n, row stride n), db = dz. Each output may
  // be null. Does not change the layer.
  void backward(const float* x, const float* z, const float* dh, float* dx, float* dW,
                float* db) const;
  // Over a batch: dX[k] = W^T dZ[k]; dW = sum_k dZ[k] X[k]^T; db = sum_k dZ[k]. Sums, not
  // means: scale dH by 1/batch for a mean loss.
  void backward_batch(const float* X, const float* Z, const float* dH, std::size_t batch,
                      float* dX, float* dW, float* db) const;

  // Fused backward + SGD: dz = dh * f'(z); in ONE pass over W, dx = W_old^T dz (dx may be
  // null) and W -= lr dz x^T row by row; then b -= lr dz. dx must not overlap x, W or b.
  void backward_sgd(const float* x, const float* z, const float* dh, float lr, float* dx);
  // The same maths in separate passes (W^T dz, then the update), for comparison.
  void backward_sgd_unfused(const float* x, const float* z, const float* dh, float lr,
                            float* dx);
  // Mini-batch fused: dZ = dH * f'(Z); in ONE pass over W, dX[k] = W_old^T dZ[k] and
  // W -= lr sum_k dZ[k] X[k]^T; b -= lr sum_k dZ[k]. Sum of gradients: scale dH by 1/batch
  // for the mean.
  void backward_sgd_batch(const float* X, const float* Z, const float* dH, std::size_t batch,
                          float lr, float* dX);
  // Streaming: the fused backward+SGD for (x, z, dh) and the forward of the next input
  // x_next share ONE pass over W (load row, accumulate dx, update it, dot it with x_next,
  // store it): z_next = W_new x_next + b_new, h_next = f(z_next) (h_next may be null).
  // Equals backward_sgd followed by forward(x_next) bit for bit.
  void sgd_forward(const float* x, const float* z, const float* dh, float lr, float* dx,
                   const float* x_next, float* z_next, float* h_next);

  // dh/dz = diag(f'(z)) as a vector d (m).
  void jacobian_z(const float* z, float* d) const;
  // dh/dx = diag(f'(z)) W as an explicit m x n matrix J (row stride n).
  void jacobian_x(const float* z, float* J) const;

 private:
  std::vector<float> store_;
  float* W_ = nullptr;
  float* b_ = nullptr;
  std::size_t m_ = 0, n_ = 0, ld_ = 0;
  Activation f_ = Activation::identity;
  float alpha_ = 0.0f;
  bool owning_ = true;
  void apply_bias_update(const float* dz, std::size_t batch, float lr);
};

// ---- a multi-layer perceptron -------------------------------------------------------------------
//
// sizes = {in, hidden..., out}: dense layers with the hidden activation, the last one identity,
// then softmax and cross-entropy: loss = -log softmax(z)[label], dloss/dz = softmax(z) - onehot.
// Parameters initialized by DenseLayer::init_random with seeds derived from `seed`.
class Network {
 public:
  Network(std::vector<std::size_t> sizes, Activation hidden, std::uint64_t seed);

  // Per-sample SGD (every layer's fused backward+SGD); returns the loss before the update.
  // label >= output_size() throws std::out_of_range.
  float train_step(const float* x, std::size_t label, float lr);
  // Mini-batch SGD with the mean gradient (one pass over each W per batch for the update);
  // returns the mean loss before the update. X row-major batch x input_size().
  float train_batch(const float* X, const std::size_t* labels, std::size_t batch, float lr);

  std::size_t predict(const float* x) const;                // argmax class (first on ties)
  void predict_proba(const float* x, float* probs) const;   // softmax, output_size() floats
  float loss(const float* x, std::size_t label) const;      // cross-entropy, no update

  std::size_t input_size() const;
  std::size_t output_size() const;
  std::size_t num_layers() const { return layers_.size(); }
  DenseLayer& layer(std::size_t i);
  const DenseLayer& layer(std::size_t i) const;

 private:
  std::vector<DenseLayer> layers_;
  // Per-layer activations of the last forward pass (z, h; batch-sized in train_batch) and
  // backward buffers.
  std::vector<std::vector<float>> z_, h_, d_;
  void forward_all(const float* x, std::size_t batch);
};

}  // namespace simdense
