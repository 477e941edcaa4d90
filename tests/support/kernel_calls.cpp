#include "support/kernel_calls.hpp"

#include <cmath>
#include <cstring>
#include <utility>

namespace simdense::test {

std::vector<float> Prepared::outputs() const {
  std::vector<float> v;
  for (const auto& b : out) v.insert(v.end(), b->data(), b->data() + b->size());
  v.insert(v.end(), ret.begin(), ret.end());
  return v;
}

std::unique_ptr<OffsetBuffer> typical(std::size_t n, std::uint64_t seed, double scale,
                                      std::size_t offset) {
  auto b = std::make_unique<OffsetBuffer>(n, offset);
  Rng r(seed);
  for (std::size_t k = 0; k < n; ++k) (*b)[k] = float(scale * r.normal());
  return b;
}

std::unique_ptr<OffsetBuffer> mixed(std::size_t n, std::uint64_t seed, double scale,
                                    std::size_t offset) {
  auto b = typical(n, seed, scale, offset);
  const auto& sp = special_floats();
  Rng r(seed ^ 0x5bd1e995);
  // About one element in 16 special (NaN, inf, subnormal, thresholds), the rest typical.
  for (std::size_t k = 0; k < n; ++k)
    if (r.bits() % 16 == 0) (*b)[k] = sp[r.bits() % sp.size()];
  return b;
}

std::unique_ptr<OffsetBuffer> zeros(std::size_t n, std::size_t offset) {
  return std::make_unique<OffsetBuffer>(n, offset);
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

namespace {

// Elementwise y = f(x) on n floats (odd n: a tail on every ISA).
KernelCall unary(const char* name, void (*f)(const float*, float*, std::size_t),
                 std::size_t n = 1037, double scale = 30.0) {
  return {name, [=](std::uint64_t seed) {
            Prepared p;
            p.in.push_back(mixed(n, seed, scale));
            p.out.push_back(zeros(n));
            p.fn = [f, n](Prepared& q) { f(q.i(0), q.o(0), n); };
            return p;
          }};
}

// Logits: normal(0, 5) with a few masked (-inf) entries.
std::unique_ptr<OffsetBuffer> logits(std::size_t n, std::uint64_t seed) {
  auto b = typical(n, seed, 5.0);
  for (std::size_t k = 3; k < n; k += 97) (*b)[k] = -INFINITY;
  return b;
}

// Probabilities in [0, 1].
std::unique_ptr<OffsetBuffer> probs(std::size_t n, std::uint64_t seed) {
  auto b = std::make_unique<OffsetBuffer>(n, 2);
  Rng r(seed);
  for (std::size_t k = 0; k < n; ++k) (*b)[k] = float(r.uniform());
  return b;
}

std::vector<std::size_t> labels(std::size_t rows, std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> l(rows);
  Rng r(seed);
  for (auto& x : l) x = r.bits() % n;
  return l;
}

void softmax_calls(std::vector<KernelCall>& v) {
  constexpr std::size_t n = 1037, R = 7, N = 131, LD = 133, S = (R - 1) * LD + N;
  using FwdFn = void (*)(const float*, float*, std::size_t);
  using FwdBatchFn = void (*)(const float*, float*, std::size_t, std::size_t, std::size_t);
  using BwdFn = void (*)(const float*, const float*, float*, std::size_t);
  using BwdBatchFn = void (*)(const float*, const float*, float*, std::size_t, std::size_t, std::size_t);
  for (auto [name, f] : {std::pair<const char*, FwdFn>{"softmax", simdense::softmax},
                         {"log_softmax", simdense::log_softmax}})
    v.push_back({name, [f = f](std::uint64_t seed) {
                   Prepared p;
                   p.in.push_back(logits(n, seed));
                   p.out.push_back(zeros(n));
                   p.fn = [f](Prepared& q) { f(q.i(0), q.o(0), n); };
                   return p;
                 }});
  for (auto [name, f] : {std::pair<const char*, FwdBatchFn>{"softmax_batch 7x131", simdense::softmax_batch},
                         {"log_softmax_batch 7x131", simdense::log_softmax_batch}})
    v.push_back({name, [f = f](std::uint64_t seed) {
                   Prepared p;
                   p.in.push_back(logits(S, seed));
                   p.out.push_back(zeros(S));
                   p.fn = [f](Prepared& q) { f(q.i(0), q.o(0), R, N, LD); };
                   return p;
                 }});
  for (auto [name, f] : {std::pair<const char*, BwdFn>{"softmax_backward", simdense::softmax_backward},
                         {"log_softmax_backward", simdense::log_softmax_backward}})
    v.push_back({name, [f = f](std::uint64_t seed) {
                   Prepared p;
                   p.in.push_back(probs(n, seed));
                   p.in.push_back(typical(n, seed + 1));
                   p.out.push_back(zeros(n));
                   p.fn = [f](Prepared& q) { f(q.i(0), q.i(1), q.o(0), n); };
                   return p;
                 }});
  for (auto [name, f] : {std::pair<const char*, BwdBatchFn>{"softmax_backward_batch 7x131", simdense::softmax_backward_batch},
                         {"log_softmax_backward_batch 7x131", simdense::log_softmax_backward_batch}})
    v.push_back({name, [f = f](std::uint64_t seed) {
                   Prepared p;
                   p.in.push_back(probs(S, seed));
                   p.in.push_back(typical(S, seed + 1));
                   p.out.push_back(zeros(S));
                   p.fn = [f](Prepared& q) { f(q.i(0), q.i(1), q.o(0), R, N, LD); };
                   return p;
                 }});
  v.push_back({"cross_entropy", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(n, seed));
                 p.ret.resize(1);
                 p.fn = [l = labels(1, n, seed)](Prepared& q) { q.ret[0] = simdense::cross_entropy(q.i(0), n, l[0]); };
                 return p;
               }});
  v.push_back({"cross_entropy_grad", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(n, seed));
                 p.out.push_back(zeros(n));
                 p.ret.resize(1);
                 p.fn = [l = labels(1, n, seed)](Prepared& q) { q.ret[0] = simdense::cross_entropy_grad(q.i(0), n, l[0], q.o(0)); };
                 return p;
               }});
  v.push_back({"cross_entropy_batch 7x131", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(S, seed));
                 p.ret.resize(1);
                 p.fn = [l = labels(R, N, seed)](Prepared& q) { q.ret[0] = simdense::cross_entropy_batch(q.i(0), l.data(), R, N, LD); };
                 return p;
               }});
  v.push_back({"cross_entropy_grad_batch 7x131", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(S, seed));
                 p.out.push_back(zeros(S));
                 p.ret.resize(1);
                 p.fn = [l = labels(R, N, seed)](Prepared& q) { q.ret[0] = simdense::cross_entropy_grad_batch(q.i(0), l.data(), q.o(0), R, N, LD); };
                 return p;
               }});
  v.push_back({"cross_entropy_soft", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(n, seed));
                 p.in.push_back(probs(n, seed + 1));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) { q.ret[0] = simdense::cross_entropy_soft(q.i(0), n, q.i(1), n); };
                 return p;
               }});
  v.push_back({"cross_entropy_soft_grad", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(n, seed));
                 p.in.push_back(probs(n, seed + 1));
                 p.out.push_back(zeros(n));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) { q.ret[0] = simdense::cross_entropy_soft_grad(q.i(0), n, q.i(1), n, q.o(0)); };
                 return p;
               }});
  v.push_back({"cross_entropy_soft_batch 7x131", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(S, seed));
                 p.in.push_back(probs(S, seed + 1));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) { q.ret[0] = simdense::cross_entropy_soft_batch(q.i(0), q.i(1), R, N, LD); };
                 return p;
               }});
  v.push_back({"cross_entropy_soft_grad_batch 7x131", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(logits(S, seed));
                 p.in.push_back(probs(S, seed + 1));
                 p.out.push_back(zeros(S));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) { q.ret[0] = simdense::cross_entropy_soft_grad_batch(q.i(0), q.i(1), q.o(0), R, N, LD); };
                 return p;
               }});
  v.push_back({"sigmoid_bce", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(mixed(n, seed, 10.0));
                 p.in.push_back(probs(n, seed + 1));
                 p.out.push_back(zeros(n));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) { q.ret[0] = simdense::sigmoid_bce(q.i(0), q.i(1), n, q.o(0)); };
                 return p;
               }});
  v.push_back({"sigmoid_bce_grad", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(mixed(n, seed, 10.0));
                 p.in.push_back(probs(n, seed + 1));
                 p.out.push_back(zeros(n));
                 p.out.push_back(zeros(n, 5));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) { q.ret[0] = simdense::sigmoid_bce_grad(q.i(0), q.i(1), n, q.o(0), q.o(1)); };
                 return p;
               }});
}

void activation_calls(std::vector<KernelCall>& v) {
  using simdense::Activation;
  for (Activation f : {Activation::identity, Activation::sigmoid, Activation::tanh, Activation::relu,
                       Activation::leaky_relu, Activation::elu, Activation::silu, Activation::gelu,
                       Activation::gelu_tanh, Activation::softplus}) {
    const std::string name = simdense::activation_name(f);
    v.push_back({name, [f](std::uint64_t seed) {
                   Prepared p;
                   p.in.push_back(mixed(1037, seed, 30.0));
                   p.out.push_back(zeros(1037));
                   p.fn = [f](Prepared& q) { simdense::activation(f, q.i(0), q.o(0), 1037); };
                   return p;
                 }});
    v.push_back({name + "_grad", [f](std::uint64_t seed) {
                   Prepared p;
                   p.in.push_back(mixed(1037, seed, 30.0));
                   p.in.push_back(typical(1037, seed + 1));
                   p.out.push_back(zeros(1037));
                   p.fn = [f](Prepared& q) { simdense::activation_grad(f, q.i(0), q.i(1), q.o(0), 1037); };
                   return p;
                 }});
    if (simdense::has_grad_from_output(f))
      v.push_back({name + "_grad_from_output", [f](std::uint64_t seed) {
                     Prepared p;
                     p.in.push_back(probs(1037, seed));  // an output of f in [0, 1)
                     p.in.push_back(typical(1037, seed + 1));
                     p.out.push_back(zeros(1037));
                     p.fn = [f](Prepared& q) { simdense::activation_grad_from_output(f, q.i(0), q.i(1), q.o(0), 1037); };
                     return p;
                   }});
  }
}

void matvec_calls(std::vector<KernelCall>& v) {
  constexpr std::size_t M = 67, N = 131, LD = 133, S = (M - 1) * LD + N;
  v.push_back({"matvec 67x131 + b", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(S, seed, 1.0));
                 p.in.push_back(typical(N, seed + 1, 2.0));
                 p.in.push_back(typical(M, seed + 2));
                 p.out.push_back(zeros(M));
                 p.fn = [](Prepared& q) { simdense::matvec(q.i(0), M, N, LD, q.i(1), q.i(2), q.o(0)); };
                 return p;
               }});
  v.push_back({"matvec_act 67x131 gelu", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(S, seed, 1.0));
                 p.in.push_back(typical(N, seed + 1, 0.3));
                 p.in.push_back(typical(M, seed + 2));
                 p.out.push_back(zeros(M));
                 p.out.push_back(zeros(M, 5));
                 p.fn = [](Prepared& q) {
                   simdense::matvec_act(q.i(0), M, N, LD, q.i(1), q.i(2), simdense::Activation::gelu, 0.0f, q.o(0), q.o(1));
                 };
                 return p;
               }});
  v.push_back({"matvec_t 67x131", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(S, seed, 1.0));
                 p.in.push_back(typical(M, seed + 1));
                 p.out.push_back(zeros(N));
                 p.fn = [](Prepared& q) { simdense::matvec_t(q.i(0), M, N, LD, q.i(1), q.o(0)); };
                 return p;
               }});
  v.push_back({"matvec_t_acc 67x131", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(S, seed, 1.0));
                 p.in.push_back(typical(M, seed + 1));
                 p.out.push_back(typical(N, seed + 2));  // accumulated into
                 p.fn = [](Prepared& q) { simdense::matvec_t_acc(q.i(0), M, N, LD, q.i(1), q.o(0)); };
                 return p;
               }});
  v.push_back({"add_outer 67x131", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(M, seed));
                 p.in.push_back(typical(N, seed + 1));
                 p.out.push_back(typical(S, seed + 2, 1.0));  // W, updated in place
                 p.fn = [](Prepared& q) { simdense::add_outer(q.o(0), M, N, LD, -0.01f, q.i(0), q.i(1)); };
                 return p;
               }});
  v.push_back({"dot 1037", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(1037, seed));
                 p.in.push_back(typical(1037, seed + 1));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) { q.ret[0] = simdense::dot(q.i(0), q.i(1), 1037); };
                 return p;
               }});
  v.push_back({"axpy 1037", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(mixed(1037, seed));
                 p.out.push_back(typical(1037, seed + 1));
                 p.fn = [](Prepared& q) { simdense::axpy(0.75f, q.i(0), q.o(0), 1037); };
                 return p;
               }});
}

void dense_calls(std::vector<KernelCall>& v) {
  constexpr std::size_t M = 37, N = 53, LD = 55, S = (M - 1) * LD + N;
  // Parameters are outputs here (updated in place): W, b, u, then dx; the loss is returned.
  v.push_back({"dense_binary_step 37x53 tanh", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(N, seed, 1.0));
                 p.out.push_back(typical(S, seed + 1, 0.2));
                 p.out.push_back(typical(M, seed + 2, 0.1));
                 p.out.push_back(typical(M, seed + 3, 0.3));
                 p.out.push_back(zeros(N));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) {
                   q.ret[0] = simdense::dense_binary_step(q.o(0), LD, q.o(1), q.o(2), M, N, simdense::Activation::tanh,
                                                          0.0f, q.i(0), 1.0f, 0.05f, q.o(3));
                 };
                 return p;
               }});
  v.push_back({"dense_binary_train 37x53 gelu x3", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(3 * N, seed, 1.0));
                 p.out.push_back(typical(S, seed + 1, 0.2));
                 p.out.push_back(typical(M, seed + 2, 0.1));
                 p.out.push_back(typical(M, seed + 3, 0.3));
                 p.ret.resize(1);
                 p.fn = [](Prepared& q) {
                   const float t[3] = {1.0f, 0.0f, 0.5f};
                   q.ret[0] = simdense::dense_binary_train(q.o(0), LD, q.o(1), q.o(2), M, N, simdense::Activation::gelu,
                                                           0.0f, q.i(0), N, t, 3, 0.05f);
                 };
                 return p;
               }});
  v.push_back({"DenseLayer forward + backward_sgd 37x53 silu", [](std::uint64_t seed) {
                 Prepared p;
                 p.in.push_back(typical(N, seed, 1.0));
                 p.in.push_back(typical(M, seed + 1, 0.5));  // dh
                 p.out.push_back(typical(S, seed + 2, 0.2));  // W
                 p.out.push_back(typical(M, seed + 3, 0.1));  // b
                 p.out.push_back(zeros(M));                   // z
                 p.out.push_back(zeros(M, 4));                // h
                 p.out.push_back(zeros(N));                   // dx
                 p.fn = [](Prepared& q) {
                   simdense::DenseLayer L(q.o(0), LD, q.o(1), N, M, simdense::Activation::silu);
                   L.forward(q.i(0), q.o(2), q.o(3));
                   L.backward_sgd(q.i(0), q.o(2), q.i(1), 0.05f, q.o(4));
                 };
                 return p;
               }, true});
}

}  // namespace

const std::vector<KernelCall>& kernel_calls() {
  static const std::vector<KernelCall> calls = [] {
    std::vector<KernelCall> v;
    // ---- math
    v.push_back(unary("exp", simdense::exp));
    v.push_back(unary("log1p", simdense::log1p));
    // ---- softmax
    softmax_calls(v);
    // ---- activations
    activation_calls(v);
    // ---- matvec
    matvec_calls(v);
    // ---- dense
    dense_calls(v);
    return v;
  }();
  return calls;
}

}  // namespace simdense::test
