// Network: a multi-layer perceptron of DenseLayers with a softmax cross-entropy head (the
// softmax family's cross_entropy_grad / softmax, <simdense/softmax.hpp>).
#include <cmath>
#include <limits>
#include <simdense/dense.hpp>
#include <simdense/softmax.hpp>
#include <string>

#include "check.hpp"

namespace simdense {

namespace {

using detail::fail_arg;
using detail::fail_range;

// Seeds of the layers: splitmix64 steps from the network seed.
std::uint64_t layer_seed(std::uint64_t seed, std::size_t l) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (l + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Network::Network(std::vector<std::size_t> sizes, Activation hidden, std::uint64_t seed) {
  const char* fn = "Network";
  if (sizes.size() < 2)
    fail_arg(fn, "sizes has " + std::to_string(sizes.size()) +
                     " entries; it needs at least 2 (input and output sizes)");
  for (std::size_t l = 0; l < sizes.size(); ++l)
    if (sizes[l] == 0) fail_arg(fn, "sizes[" + std::to_string(l) + "] is 0");
  if (static_cast<unsigned>(hidden) > static_cast<unsigned>(Activation::softplus))
    fail_arg(fn, "hidden = " + std::to_string(static_cast<int>(hidden)) + " is not an Activation");
  const std::size_t L = sizes.size() - 1;
  layers_.reserve(L);
  for (std::size_t l = 0; l < L; ++l) {
    layers_.emplace_back(sizes[l], sizes[l + 1], l + 1 == L ? Activation::identity : hidden);
    layers_.back().init_random(layer_seed(seed, l));
  }
  z_.resize(L);
  h_.resize(L);
  d_.resize(L + 1);
}

std::size_t Network::input_size() const { return layers_.front().input_size(); }
std::size_t Network::output_size() const { return layers_.back().output_size(); }

DenseLayer& Network::layer(std::size_t i) {
  if (i >= layers_.size())
    fail_range("Network::layer", "i = " + std::to_string(i) + " but num_layers() = " +
                                     std::to_string(layers_.size()));
  return layers_[i];
}
const DenseLayer& Network::layer(std::size_t i) const {
  return const_cast<Network*>(this)->layer(i);
}

// z_[l], h_[l] for `batch` samples (rows); the last layer's h is not computed (identity).
void Network::forward_all(const float* x, std::size_t batch) {
  const std::size_t L = layers_.size();
  const float* a = x;
  for (std::size_t l = 0; l < L; ++l) {
    const std::size_t m = layers_[l].output_size();
    z_[l].resize(batch * m);
    if (l + 1 < L) h_[l].resize(batch * m);
    if (batch == 1)
      layers_[l].forward(a, z_[l].data(), l + 1 < L ? h_[l].data() : nullptr);
    else
      layers_[l].forward_batch(a, batch, z_[l].data(), l + 1 < L ? h_[l].data() : nullptr);
    a = h_[l].data();
  }
}

float Network::train_step(const float* x, std::size_t label, float lr) {
  const char* fn = "Network::train_step";
  detail::check_ptr(fn, x, "x", input_size(), "input_size");
  if (label >= output_size())
    fail_range(fn, "label = " + std::to_string(label) + " but output_size() = " +
                       std::to_string(output_size()));
  if (!std::isfinite(lr)) fail_arg(fn, "lr is not finite");
  forward_all(x, 1);
  const std::size_t L = layers_.size();
  d_[L].resize(output_size());
  const float loss = cross_entropy_grad(z_[L - 1].data(), output_size(), label, d_[L].data());
  // Backward, last layer first: each layer's fused backward+SGD computes dx with its old W
  // (the previous layer's dh) while it updates W in the same pass.
  for (std::size_t l = L; l-- > 0;) {
    const float* a = l == 0 ? x : h_[l - 1].data();
    float* dx = nullptr;
    if (l > 0) {
      d_[l].resize(layers_[l].input_size());
      dx = d_[l].data();
    }
    layers_[l].backward_sgd(a, z_[l].data(), d_[l + 1].data(), lr, dx);
  }
  return loss;
}

float Network::train_batch(const float* X, const std::size_t* labels, std::size_t batch,
                           float lr) {
  const char* fn = "Network::train_batch";
  detail::check_ptr(fn, X, "X", batch * input_size(), "batch x input_size");
  detail::check_ptr(fn, labels, "labels", batch, "batch");
  if (!std::isfinite(lr)) fail_arg(fn, "lr is not finite");
  for (std::size_t k = 0; k < batch; ++k)
    if (labels[k] >= output_size())
      fail_range(fn, "labels[" + std::to_string(k) + "] = " + std::to_string(labels[k]) +
                         " but output_size() = " + std::to_string(output_size()));
  if (batch == 0) return 0.0f;
  forward_all(X, batch);
  const std::size_t L = layers_.size(), C = output_size();
  d_[L].resize(batch * C);
  // Mean loss; the rows of d_[L] are softmax - onehot (gradients of the SUM), scaled by
  // 1/batch to the gradient of the mean.
  const float loss = cross_entropy_grad_batch(z_[L - 1].data(), labels, d_[L].data(), batch, C, C);
  const float scale = 1.0f / float(batch);
  for (float& g : d_[L]) g *= scale;
  for (std::size_t l = L; l-- > 0;) {
    const float* A = l == 0 ? X : h_[l - 1].data();
    float* dX = nullptr;
    if (l > 0) {
      d_[l].resize(batch * layers_[l].input_size());
      dX = d_[l].data();
    }
    layers_[l].backward_sgd_batch(A, z_[l].data(), d_[l + 1].data(), batch, lr, dX);
  }
  return loss;
}

namespace {
// Forward through every layer into per-thread scratch (no allocation per sample once the
// buffers have grown: predict is called once per test image); returns the logits, valid until
// the thread's next call.
const std::vector<float>& logits_of(const std::vector<DenseLayer>& layers, const float* x) {
  thread_local std::vector<float> a, z, h;
  a.assign(x, x + layers.front().input_size());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    z.resize(layers[l].output_size());
    h.resize(z.size());
    layers[l].forward(a.data(), z.data(), l + 1 < layers.size() ? h.data() : nullptr);
    a.swap(h);
  }
  return z;
}
}  // namespace

std::size_t Network::predict(const float* x) const {
  detail::check_ptr("Network::predict", x, "x", input_size(), "input_size");
  const std::vector<float>& z = logits_of(layers_, x);
  std::size_t best = 0;
  for (std::size_t i = 1; i < z.size(); ++i)
    if (z[i] > z[best] || (std::isnan(z[i]) && !std::isnan(z[best]))) best = i;
  return best;
}

void Network::predict_proba(const float* x, float* probs) const {
  detail::check_ptr("Network::predict_proba", x, "x", input_size(), "input_size");
  detail::check_ptr("Network::predict_proba", probs, "probs", output_size(), "output_size");
  const std::vector<float>& z = logits_of(layers_, x);
  softmax(z.data(), probs, z.size());
}

float Network::loss(const float* x, std::size_t label) const {
  detail::check_ptr("Network::loss", x, "x", input_size(), "input_size");
  if (label >= output_size())
    fail_range("Network::loss", "label = " + std::to_string(label) + " but output_size() = " +
                                    std::to_string(output_size()));
  const std::vector<float>& z = logits_of(layers_, x);
  return cross_entropy(z.data(), z.size(), label);
}

}  // namespace simdense
