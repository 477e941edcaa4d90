// The bad-input contract: every row of the README's "Robustness" table, one subcase each. A bad
// input gets an exception derived from std::invalid_argument or std::out_of_range whose message
// names the function and the argument; the documented edge inputs (n = 0 with null pointers,
// exact in-place aliasing) are accepted. Runs on every ISA: the checks sit before the dispatch.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "support/test_util.hpp"

using namespace simdense;

namespace {

enum class Want { invalid_argument, out_of_range, accepted };

struct Row {
  std::string function;  // the public function
  std::string input;     // the bad (or edge) input, as in the README table
  Want want;
  std::string needle;    // what the message must contain: the function and the argument
  std::function<void()> call;
};

// Fresh memory for each row's call (values valid for every argument: 0.5 is a probability, a
// logit, a score), so one row's in-place result never feeds another row.
std::vector<float> mem(std::size_t n = 64, float v = 0.5f) { return std::vector<float>(n, v); }

// An ISA value this CPU lacks, if any (else none: the row uses an out-of-range enum value).
Isa unsupported_isa() {
  for (Isa i : {Isa::avx512, Isa::avx2, Isa::sse2})
    if (!isa_supported(i)) return i;
  return static_cast<Isa>(42);
}

// Rows for an elementwise y = f(x, n) function: null x/y with n > 0, partial overlap, and the
// accepted edges (n = 0 with nulls, exact in place).
void elementwise_rows(std::vector<Row>& v, const std::string& fn,
                      std::function<void(const float*, float*, std::size_t)> f,
                      const char* x = "x", const char* y = "y") {
  const std::string pre = "simdense::" + fn + ": ";
  v.push_back({fn, std::string(x) + " null, n > 0", Want::invalid_argument,
               pre + x + " is null but n = 5", [f] { auto b = mem(); f(nullptr, b.data(), 5); }});
  v.push_back({fn, std::string(y) + " null, n > 0", Want::invalid_argument,
               pre + y + " is null but n = 5", [f] { auto b = mem(); f(b.data(), nullptr, 5); }});
  v.push_back({fn, std::string(y) + " partially overlaps " + x, Want::invalid_argument,
               pre + y + " partially overlaps " + x, [f] { auto b = mem(); f(b.data(), b.data() + 3, 8); }});
  v.push_back({fn, "n = 0 with null pointers", Want::accepted, "",
               [f] { f(nullptr, nullptr, 0); }});
  v.push_back({fn, std::string(y) + " == " + x + " (in place)", Want::accepted, "",
               [f] { auto b = mem(); f(b.data(), b.data(), 8); }});
}

// Rows for a batched rows x n (stride ld) y = f(x) function.
void batch_rows(std::vector<Row>& v, const std::string& fn,
                std::function<void(const float*, float*, std::size_t, std::size_t, std::size_t)> f) {
  const std::string pre = "simdense::" + fn + ": ";
  v.push_back({fn, "ld < n", Want::invalid_argument, pre + "ld = 3 is shorter than a row (n = 5)",
               [f] { auto a = mem(), b = mem(); f(a.data(), b.data(), 2, 5, 3); }});
  v.push_back({fn, "x null, rows * n > 0", Want::invalid_argument, pre + "x is null but rows * n = 12",
               [f] { auto b = mem(); f(nullptr, b.data(), 2, 5, 7); }});
  v.push_back({fn, "y null, rows * n > 0", Want::invalid_argument, pre + "y is null but rows * n = 12",
               [f] { auto a = mem(); f(a.data(), nullptr, 2, 5, 7); }});
  v.push_back({fn, "y partially overlaps x", Want::invalid_argument, pre + "y partially overlaps x",
               [f] { auto a = mem(); f(a.data(), a.data() + 7, 2, 5, 7); }});
  v.push_back({fn, "rows = 0 with null pointers", Want::accepted, "", [f] { f(nullptr, nullptr, 0, 5, 5); }});
  v.push_back({fn, "y == x (in place), ld > n", Want::accepted, "",
               [f] { auto a = mem(); f(a.data(), a.data(), 3, 5, 7); }});
}

// Rows for a backward dx = f(y, dy) (single row: rows = 1, ld = n).
void backward_rows(std::vector<Row>& v, const std::string& fn, bool batch,
                   std::function<void(const float*, const float*, float*, std::size_t, std::size_t, std::size_t)> f) {
  const std::string pre = "simdense::" + fn + ": ";
  const std::string cnt = batch ? "rows * n" : "rows * n";
  v.push_back({fn, "y null, n > 0", Want::invalid_argument, pre + "y is null but " + cnt + " = 5",
               [f] { auto b = mem(), c = mem(); f(nullptr, b.data(), c.data(), 1, 5, 5); }});
  v.push_back({fn, "dy null, n > 0", Want::invalid_argument, pre + "dy is null but " + cnt + " = 5",
               [f] { auto a = mem(), c = mem(); f(a.data(), nullptr, c.data(), 1, 5, 5); }});
  v.push_back({fn, "dx null, n > 0", Want::invalid_argument, pre + "dx is null but " + cnt + " = 5",
               [f] { auto a = mem(), b = mem(); f(a.data(), b.data(), nullptr, 1, 5, 5); }});
  v.push_back({fn, "dx partially overlaps y", Want::invalid_argument, pre + "dx partially overlaps y",
               [f] { auto a = mem(), b = mem(); f(a.data(), b.data(), a.data() + 2, 1, 5, 5); }});
  v.push_back({fn, "dx partially overlaps dy", Want::invalid_argument, pre + "dx partially overlaps dy",
               [f] { auto a = mem(), b = mem(); f(a.data(), b.data(), b.data() + 2, 1, 5, 5); }});
  v.push_back({fn, "dx == y (in place)", Want::accepted, "",
               [f] { auto a = mem(), b = mem(); f(a.data(), b.data(), a.data(), 1, 5, 5); }});
  v.push_back({fn, "dx == dy (in place)", Want::accepted, "",
               [f] { auto a = mem(), b = mem(); f(a.data(), b.data(), b.data(), 1, 5, 5); }});
  v.push_back({fn, "n = 0 with null pointers", Want::accepted, "",
               [f] { f(nullptr, nullptr, nullptr, 1, 0, 0); }});
  if (batch)
    v.push_back({fn, "ld < n", Want::invalid_argument, pre + "ld = 3 is shorter than a row (n = 5)",
                 [f] { auto a = mem(), b = mem(), c = mem(); f(a.data(), b.data(), c.data(), 2, 5, 3); }});
}

void softmax_rows(std::vector<Row>& r) {
  using std::size_t;
  elementwise_rows(r, "softmax", [](const float* x, float* y, size_t n) { softmax(x, y, n); });
  elementwise_rows(r, "log_softmax", [](const float* x, float* y, size_t n) { log_softmax(x, y, n); });
  batch_rows(r, "softmax_batch", [](const float* x, float* y, size_t m, size_t n, size_t ld) { softmax_batch(x, y, m, n, ld); });
  batch_rows(r, "log_softmax_batch", [](const float* x, float* y, size_t m, size_t n, size_t ld) { log_softmax_batch(x, y, m, n, ld); });
  backward_rows(r, "softmax_backward", false, [](const float* y, const float* dy, float* dx, size_t, size_t n, size_t) { softmax_backward(y, dy, dx, n); });
  backward_rows(r, "log_softmax_backward", false, [](const float* y, const float* dy, float* dx, size_t, size_t n, size_t) { log_softmax_backward(y, dy, dx, n); });
  backward_rows(r, "softmax_backward_batch", true, [](const float* y, const float* dy, float* dx, size_t m, size_t n, size_t ld) { softmax_backward_batch(y, dy, dx, m, n, ld); });
  backward_rows(r, "log_softmax_backward_batch", true, [](const float* y, const float* dy, float* dx, size_t m, size_t n, size_t ld) { log_softmax_backward_batch(y, dy, dx, m, n, ld); });

  // cross-entropy with labels
  const std::string ce = "simdense::cross_entropy: ";
  r.push_back({"cross_entropy", "label >= n", Want::out_of_range, ce + "label = 5 is out of range for n = 5",
               [] { auto a = mem(); cross_entropy(a.data(), 5, 5); }});
  r.push_back({"cross_entropy", "n = 0 (no label is valid)", Want::out_of_range, ce + "label = 0 is out of range for n = 0",
               [] { cross_entropy(nullptr, 0, 0); }});
  r.push_back({"cross_entropy", "logits null, n > 0", Want::invalid_argument, ce + "logits is null but n = 5",
               [] { cross_entropy(nullptr, 5, 1); }});
  const std::string ceg = "simdense::cross_entropy_grad: ";
  r.push_back({"cross_entropy_grad", "label >= n", Want::out_of_range, ceg + "label = 9 is out of range for n = 5",
               [] { auto a = mem(), d = mem(); cross_entropy_grad(a.data(), 5, 9, d.data()); }});
  r.push_back({"cross_entropy_grad", "dlogits null, n > 0", Want::invalid_argument, ceg + "dlogits is null",
               [] { auto a = mem(); cross_entropy_grad(a.data(), 5, 1, nullptr); }});
  r.push_back({"cross_entropy_grad", "dlogits partially overlaps logits", Want::invalid_argument,
               ceg + "dlogits partially overlaps logits", [] { auto a = mem(); cross_entropy_grad(a.data(), 5, 1, a.data() + 1); }});
  r.push_back({"cross_entropy_grad", "dlogits == logits (in place)", Want::accepted, "",
               [] { auto a = mem(); cross_entropy_grad(a.data(), 5, 1, a.data()); }});
  const std::string ceb = "simdense::cross_entropy_batch: ";
  r.push_back({"cross_entropy_batch", "labels[r] >= n", Want::out_of_range, ceb + "labels[1] = 7 is out of range for n = 5",
               [] { auto a = mem(); std::size_t l[2] = {0, 7}; cross_entropy_batch(a.data(), l, 2, 5, 5); }});
  r.push_back({"cross_entropy_batch", "labels null, rows > 0", Want::invalid_argument, ceb + "labels is null but rows = 2",
               [] { auto a = mem(); cross_entropy_batch(a.data(), nullptr, 2, 5, 5); }});
  r.push_back({"cross_entropy_batch", "ld < n", Want::invalid_argument, ceb + "ld = 4 is shorter than a row (n = 5)",
               [] { auto a = mem(); std::size_t l[2] = {0, 1}; cross_entropy_batch(a.data(), l, 2, 5, 4); }});
  r.push_back({"cross_entropy_batch", "rows = 0 with null pointers (mean 0)", Want::accepted, "",
               [] { if (cross_entropy_batch(nullptr, nullptr, 0, 5, 5) != 0.0f) throw std::logic_error("mean of no rows is not 0"); }});
  const std::string cegb = "simdense::cross_entropy_grad_batch: ";
  r.push_back({"cross_entropy_grad_batch", "labels overlap dlogits", Want::invalid_argument, cegb + "labels must not overlap dlogits",
               [] { auto a = mem(); std::vector<std::size_t> l(16, 0); cross_entropy_grad_batch(a.data(), l.data(), reinterpret_cast<float*>(l.data()), 2, 5, 5); }});
  r.push_back({"cross_entropy_grad_batch", "dlogits partially overlaps logits", Want::invalid_argument, cegb + "dlogits partially overlaps logits",
               [] { auto a = mem(); std::size_t l[2] = {0, 1}; cross_entropy_grad_batch(a.data(), l, a.data() + 5, 2, 5, 5); }});

  // cross-entropy with soft targets
  const std::string cs = "simdense::cross_entropy_soft: ";
  r.push_back({"cross_entropy_soft", "targets_n != n", Want::invalid_argument, cs + "targets_n = 4 differs from the number of logits n = 5",
               [] { auto a = mem(), t = mem(); cross_entropy_soft(a.data(), 5, t.data(), 4); }});
  r.push_back({"cross_entropy_soft", "a target NaN", Want::invalid_argument, cs + "targets[2] = nan is not a probability",
               [] { auto a = mem(), t = mem(); t[2] = NAN; cross_entropy_soft(a.data(), 5, t.data(), 5); }});
  r.push_back({"cross_entropy_soft", "a target outside [0, 1]", Want::invalid_argument, cs + "targets[3] = 1.500000 is not a probability",
               [] { auto a = mem(), t = mem(); t[3] = 1.5f; cross_entropy_soft(a.data(), 5, t.data(), 5); }});
  r.push_back({"cross_entropy_soft", "targets null, n > 0", Want::invalid_argument, cs + "targets is null",
               [] { auto a = mem(); cross_entropy_soft(a.data(), 5, nullptr, 5); }});
  r.push_back({"cross_entropy_soft", "n = 0 with null pointers (loss 0)", Want::accepted, "",
               [] { if (cross_entropy_soft(nullptr, 0, nullptr, 0) != 0.0f) throw std::logic_error("loss of n = 0 is not 0"); }});
  const std::string csg = "simdense::cross_entropy_soft_grad: ";
  r.push_back({"cross_entropy_soft_grad", "dlogits overlaps targets", Want::invalid_argument, csg + "targets must not overlap dlogits",
               [] { auto a = mem(), t = mem(); cross_entropy_soft_grad(a.data(), 5, t.data(), 5, t.data()); }});
  r.push_back({"cross_entropy_soft_grad", "dlogits == logits (in place)", Want::accepted, "",
               [] { auto a = mem(), t = mem(); cross_entropy_soft_grad(a.data(), 5, t.data(), 5, a.data()); }});
  const std::string csb = "simdense::cross_entropy_soft_batch: ";
  r.push_back({"cross_entropy_soft_batch", "a target of row 1 outside [0, 1] (index r*ld + i)", Want::invalid_argument,
               csb + "targets[9] = -0.250000 is not a probability",
               [] { auto a = mem(), t = mem(); t[9] = -0.25f; cross_entropy_soft_batch(a.data(), t.data(), 2, 5, 7); }});
  r.push_back({"cross_entropy_soft_batch", "ld < n", Want::invalid_argument, csb + "ld = 2 is shorter than a row (n = 5)",
               [] { auto a = mem(), t = mem(); cross_entropy_soft_batch(a.data(), t.data(), 2, 5, 2); }});
  r.push_back({"cross_entropy_soft_grad_batch", "dlogits overlaps targets", Want::invalid_argument,
               "simdense::cross_entropy_soft_grad_batch: targets must not overlap dlogits",
               [] { auto a = mem(), t = mem(); cross_entropy_soft_grad_batch(a.data(), t.data(), t.data() + 1, 2, 5, 5); }});

  // sigmoid binary cross-entropy
  const std::string sb = "simdense::sigmoid_bce: ";
  r.push_back({"sigmoid_bce", "scores null, n > 0", Want::invalid_argument, sb + "scores is null but n = 5",
               [] { auto t = mem(); sigmoid_bce(nullptr, t.data(), 5); }});
  r.push_back({"sigmoid_bce", "targets null, n > 0", Want::invalid_argument, sb + "targets is null but n = 5",
               [] { auto s = mem(); sigmoid_bce(s.data(), nullptr, 5); }});
  r.push_back({"sigmoid_bce", "a target outside [0, 1]", Want::invalid_argument, sb + "targets[1] = 2.000000 is not a probability",
               [] { auto s = mem(), t = mem(); t[1] = 2.0f; sigmoid_bce(s.data(), t.data(), 5); }});
  r.push_back({"sigmoid_bce", "losses partially overlaps scores", Want::invalid_argument, sb + "losses partially overlaps scores",
               [] { auto s = mem(), t = mem(); sigmoid_bce(s.data(), t.data(), 5, s.data() + 1); }});
  r.push_back({"sigmoid_bce", "losses == scores (in place)", Want::accepted, "",
               [] { auto s = mem(), t = mem(); sigmoid_bce(s.data(), t.data(), 5, s.data()); }});
  const std::string sbg = "simdense::sigmoid_bce_grad: ";
  r.push_back({"sigmoid_bce_grad", "dscores null, n > 0", Want::invalid_argument, sbg + "dscores is null but n = 5",
               [] { auto s = mem(), t = mem(); sigmoid_bce_grad(s.data(), t.data(), 5, nullptr); }});
  r.push_back({"sigmoid_bce_grad", "dscores == losses", Want::invalid_argument, sbg + "dscores must not overlap losses",
               [] { auto s = mem(), t = mem(), d = mem(); sigmoid_bce_grad(s.data(), t.data(), 5, d.data(), d.data()); }});
  r.push_back({"sigmoid_bce_grad", "dscores partially overlaps targets", Want::invalid_argument, sbg + "dscores partially overlaps targets",
               [] { auto s = mem(), t = mem(); sigmoid_bce_grad(s.data(), t.data(), 5, t.data() + 2); }});
  r.push_back({"sigmoid_bce_grad", "dscores == targets (in place)", Want::accepted, "",
               [] { auto s = mem(), t = mem(); sigmoid_bce_grad(s.data(), t.data(), 5, t.data()); }});
}

void activation_rows(std::vector<Row>& r) {
  using std::size_t;
  // The named forward functions: elementwise rules.
  const std::pair<const char*, void (*)(const float*, float*, size_t)> fwd[] = {
      {"sigmoid", sigmoid}, {"tanh", simdense::tanh}, {"relu", relu}, {"silu", silu},
      {"gelu", gelu}, {"gelu_tanh", gelu_tanh}, {"softplus", softplus}};
  for (auto [name, f] : fwd) elementwise_rows(r, name, [f = f](const float* x, float* y, size_t n) { f(x, y, n); });
  elementwise_rows(r, "leaky_relu", [](const float* x, float* y, size_t n) { leaky_relu(x, y, n); });
  elementwise_rows(r, "elu", [](const float* x, float* y, size_t n) { elu(x, y, n); });
  // The named backward functions: dx = f'(x) dy.
  const std::pair<const char*, void (*)(const float*, const float*, float*, size_t)> bwd[] = {
      {"sigmoid_grad", sigmoid_grad}, {"tanh_grad", tanh_grad}, {"relu_grad", relu_grad},
      {"silu_grad", silu_grad}, {"gelu_grad", gelu_grad}, {"gelu_tanh_grad", gelu_tanh_grad},
      {"softplus_grad", softplus_grad}};
  for (auto [name, f] : bwd) {
    const std::string pre = std::string("simdense::") + name + ": ";
    r.push_back({name, "x null, n > 0", Want::invalid_argument, pre + "x is null but n = 5",
                 [f = f] { auto a = mem(), b = mem(); f(nullptr, a.data(), b.data(), 5); }});
    r.push_back({name, "dy null, n > 0", Want::invalid_argument, pre + "dy is null but n = 5",
                 [f = f] { auto a = mem(), b = mem(); f(a.data(), nullptr, b.data(), 5); }});
    r.push_back({name, "dx null, n > 0", Want::invalid_argument, pre + "dx is null but n = 5",
                 [f = f] { auto a = mem(), b = mem(); f(a.data(), b.data(), nullptr, 5); }});
    r.push_back({name, "dx partially overlaps x", Want::invalid_argument, pre + "dx partially overlaps x",
                 [f = f] { auto a = mem(), b = mem(); f(a.data(), b.data(), a.data() + 1, 5); }});
    r.push_back({name, "dx partially overlaps dy", Want::invalid_argument, pre + "dx partially overlaps dy",
                 [f = f] { auto a = mem(), b = mem(); f(a.data(), b.data(), b.data() + 1, 5); }});
    r.push_back({name, "dx == x or dx == dy (in place), n = 0 with nulls", Want::accepted, "",
                 [f = f] { auto a = mem(), b = mem(); f(a.data(), b.data(), a.data(), 5); f(a.data(), b.data(), b.data(), 5); f(nullptr, nullptr, nullptr, 0); }});
  }
  r.push_back({"leaky_relu", "alpha not finite", Want::invalid_argument, "simdense::leaky_relu: alpha must be finite",
               [] { auto a = mem(), b = mem(); leaky_relu(a.data(), b.data(), 5, INFINITY); }});
  r.push_back({"elu", "alpha not finite", Want::invalid_argument, "simdense::elu: alpha must be finite",
               [] { auto a = mem(), b = mem(); elu(a.data(), b.data(), 5, NAN); }});
  r.push_back({"elu_grad", "alpha not finite", Want::invalid_argument, "simdense::elu_grad: alpha must be finite",
               [] { auto a = mem(), b = mem(), c = mem(); elu_grad(a.data(), b.data(), c.data(), 5, -INFINITY); }});
  r.push_back({"leaky_relu_grad", "dx partially overlaps dy", Want::invalid_argument, "simdense::leaky_relu_grad: dx partially overlaps dy",
               [] { auto a = mem(), b = mem(); leaky_relu_grad(a.data(), b.data(), b.data() + 2, 5); }});
  // The activation as a value.
  const std::string ac = "simdense::activation: ";
  r.push_back({"activation", "f not an Activation", Want::invalid_argument, ac + "f = 10 is not an Activation",
               [] { auto a = mem(), b = mem(); activation(static_cast<Activation>(10), a.data(), b.data(), 5); }});
  r.push_back({"activation", "x null, n > 0", Want::invalid_argument, ac + "x is null but n = 5",
               [] { auto b = mem(); activation(Activation::gelu, nullptr, b.data(), 5); }});
  r.push_back({"activation", "y partially overlaps x", Want::invalid_argument, ac + "y partially overlaps x",
               [] { auto a = mem(); activation(Activation::relu, a.data(), a.data() + 1, 5); }});
  r.push_back({"activation", "alpha not finite (leaky_relu, elu)", Want::invalid_argument, ac + "alpha must be finite",
               [] { auto a = mem(), b = mem(); activation(Activation::elu, a.data(), b.data(), 5, INFINITY); }});
  r.push_back({"activation", "alpha not finite for an activation without alpha (ignored)", Want::accepted, "",
               [] { auto a = mem(), b = mem(); activation(Activation::tanh, a.data(), b.data(), 5, NAN); }});
  const std::string ag = "simdense::activation_grad: ";
  r.push_back({"activation_grad", "f not an Activation", Want::invalid_argument, ag + "f = -1 is not an Activation",
               [] { auto a = mem(), b = mem(), c = mem(); activation_grad(static_cast<Activation>(-1), a.data(), b.data(), c.data(), 5); }});
  r.push_back({"activation_grad", "dx partially overlaps x", Want::invalid_argument, ag + "dx partially overlaps x",
               [] { auto a = mem(), b = mem(); activation_grad(Activation::silu, a.data(), b.data(), a.data() + 1, 5); }});
  const std::string ao = "simdense::activation_grad_from_output: ";
  r.push_back({"activation_grad_from_output", "f without an output-based backward (e.g. gelu)", Want::invalid_argument,
               ao + "f = gelu has no backward pass from the output",
               [] { auto a = mem(), b = mem(), c = mem(); activation_grad_from_output(Activation::gelu, a.data(), b.data(), c.data(), 5); }});
  r.push_back({"activation_grad_from_output", "elu with alpha <= 0", Want::invalid_argument,
               ao + "alpha must be finite and > 0 for the output-based elu backward",
               [] { auto a = mem(), b = mem(), c = mem(); activation_grad_from_output(Activation::elu, a.data(), b.data(), c.data(), 5, -1.0f); }});
  r.push_back({"activation_grad_from_output", "y null, n > 0", Want::invalid_argument, ao + "y is null but n = 5",
               [] { auto b = mem(), c = mem(); activation_grad_from_output(Activation::tanh, nullptr, b.data(), c.data(), 5); }});
  r.push_back({"activation_grad_from_output", "dx partially overlaps y", Want::invalid_argument, ao + "dx partially overlaps y",
               [] { auto a = mem(), b = mem(); activation_grad_from_output(Activation::sigmoid, a.data(), b.data(), a.data() + 1, 5); }});
  r.push_back({"sigmoid_grad_from_output", "dx == y, dx == dy (in place)", Want::accepted, "",
               [] { auto a = mem(), b = mem(); sigmoid_grad_from_output(a.data(), b.data(), a.data(), 5); sigmoid_grad_from_output(a.data(), b.data(), b.data(), 5); }});
}

void dense_rows(std::vector<Row>& r) {
  const std::string ds = "simdense::dense_binary_step: ";
  // m = 2 outputs, n = 4 inputs; W 2 x 4.
  r.push_back({"dense_binary_step", "t NaN", Want::invalid_argument, ds + "t is NaN",
               [] { auto W = mem(), b = mem(), u = mem(), x = mem(); dense_binary_step(W.data(), b.data(), u.data(), 2, 4, Activation::tanh, x.data(), NAN, 0.1f); }});
  r.push_back({"dense_binary_step", "t outside [0, 1]", Want::out_of_range, ds + "t = ",
               [] { auto W = mem(), b = mem(), u = mem(), x = mem(); dense_binary_step(W.data(), b.data(), u.data(), 2, 4, Activation::tanh, x.data(), 1.5f, 0.1f); }});
  r.push_back({"dense_binary_step", "lr not finite", Want::invalid_argument, ds + "lr = ",
               [] { auto W = mem(), b = mem(), u = mem(), x = mem(); dense_binary_step(W.data(), b.data(), u.data(), 2, 4, Activation::tanh, x.data(), 1.0f, INFINITY); }});
  r.push_back({"dense_binary_step", "f not an Activation", Want::invalid_argument, ds + "f = 11 is not an Activation",
               [] { auto W = mem(), b = mem(), u = mem(), x = mem(); dense_binary_step(W.data(), b.data(), u.data(), 2, 4, static_cast<Activation>(11), x.data(), 1.0f, 0.1f); }});
  r.push_back({"dense_binary_step", "W null, m, n > 0", Want::invalid_argument, ds + "W is null",
               [] { auto b = mem(), u = mem(), x = mem(); dense_binary_step(nullptr, b.data(), u.data(), 2, 4, Activation::tanh, x.data(), 1.0f, 0.1f); }});
  r.push_back({"dense_binary_step", "x null, n > 0", Want::invalid_argument, ds + "x is null but n = 4",
               [] { auto W = mem(), b = mem(), u = mem(); dense_binary_step(W.data(), b.data(), u.data(), 2, 4, Activation::tanh, nullptr, 1.0f, 0.1f); }});
  r.push_back({"dense_binary_step", "ldw < n", Want::invalid_argument, ds + "ldw = 3 is shorter than a row (n = 4)",
               [] { auto W = mem(), b = mem(), u = mem(), x = mem(); dense_binary_step(W.data(), 3, b.data(), u.data(), 2, 4, Activation::tanh, 0.0f, x.data(), 1.0f, 0.1f, nullptr); }});
  r.push_back({"dense_binary_step", "b overlaps W", Want::invalid_argument, ds + "W overlaps b",
               [] { auto W = mem(), u = mem(), x = mem(); dense_binary_step(W.data(), W.data() + 4, u.data(), 2, 4, Activation::tanh, x.data(), 1.0f, 0.1f); }});
  r.push_back({"dense_binary_step", "dx overlaps x", Want::invalid_argument, ds + "dx overlaps x",
               [] { auto W = mem(), b = mem(), u = mem(), x = mem(); dense_binary_step(W.data(), b.data(), u.data(), 2, 4, Activation::tanh, x.data(), 1.0f, 0.1f, x.data()); }});
  r.push_back({"dense_binary_step", "m = 0 or n = 0 (bias-only) with null W", Want::accepted, "",
               [] { auto b = mem(), u = mem(), x = mem(); dense_binary_step(nullptr, nullptr, nullptr, 0, 4, Activation::tanh, x.data(), 1.0f, 0.1f); dense_binary_step(nullptr, b.data(), u.data(), 2, 0, Activation::tanh, nullptr, 0.0f, 0.1f); }});
  const std::string dt = "simdense::dense_binary_train: ";
  r.push_back({"dense_binary_train", "a label t[k] NaN", Want::invalid_argument, dt + "t[1] is NaN",
               [] { auto W = mem(), b = mem(), u = mem(), X = mem(); float t[2] = {1.0f, NAN}; dense_binary_train(W.data(), b.data(), u.data(), 2, 4, Activation::gelu, X.data(), t, 2, 0.1f); }});
  r.push_back({"dense_binary_train", "a label t[k] outside [0, 1]", Want::out_of_range, dt + "t[0] = ",
               [] { auto W = mem(), b = mem(), u = mem(), X = mem(); float t[2] = {-1.0f, 0.0f}; dense_binary_train(W.data(), b.data(), u.data(), 2, 4, Activation::gelu, X.data(), t, 2, 0.1f); }});
  r.push_back({"dense_binary_train", "X null, count > 0", Want::invalid_argument, dt + "X is null",
               [] { auto W = mem(), b = mem(), u = mem(); float t[2] = {1.0f, 0.0f}; dense_binary_train(W.data(), b.data(), u.data(), 2, 4, Activation::gelu, nullptr, t, 2, 0.1f); }});
  r.push_back({"dense_binary_train", "u overlaps X", Want::invalid_argument, dt + "u overlaps X",
               [] { auto W = mem(), b = mem(), X = mem(); float t[2] = {1.0f, 0.0f}; dense_binary_train(W.data(), b.data(), X.data() + 1, 2, 4, Activation::gelu, X.data(), t, 2, 0.1f); }});
  r.push_back({"dense_binary_train", "count = 0 with null X and t (mean 0)", Want::accepted, "",
               [] { auto W = mem(), b = mem(), u = mem(); if (dense_binary_train(W.data(), b.data(), u.data(), 2, 4, Activation::gelu, nullptr, nullptr, 0, 0.1f) != 0.0f) throw std::logic_error("mean of nothing is not 0"); }});
  r.push_back({"DenseLayer (view)", "W null, in, out > 0", Want::invalid_argument, "simdense::DenseLayer: W is null",
               [] { auto b = mem(); DenseLayer L(nullptr, 4, b.data(), 4, 2, Activation::relu); }});
  r.push_back({"DenseLayer (view)", "b overlaps W", Want::invalid_argument, "simdense::DenseLayer: W overlaps b",
               [] { auto W = mem(); DenseLayer L(W.data(), 4, W.data() + 2, 4, 2, Activation::relu); }});
  r.push_back({"DenseLayer", "alpha not finite", Want::invalid_argument, "simdense::DenseLayer: alpha = ",
               [] { DenseLayer L(4, 2, Activation::elu, NAN); }});
  r.push_back({"DenseLayer::forward", "x null, input_size > 0", Want::invalid_argument, "simdense::DenseLayer::forward: x is null but input_size = 4",
               [] { auto z = mem(); DenseLayer L(4, 2, Activation::relu); L.forward(nullptr, z.data(), nullptr); }});
  r.push_back({"DenseLayer::sgd_forward", "x_next null", Want::invalid_argument, "simdense::DenseLayer::sgd_forward: x_next is null",
               [] { auto x = mem(), z = mem(), dh = mem(), zn = mem(); DenseLayer L(4, 2, Activation::relu); L.sgd_forward(x.data(), z.data(), dh.data(), 0.1f, nullptr, nullptr, zn.data(), nullptr); }});
  r.push_back({"DenseLayer::jacobian_z", "d partially overlaps z", Want::invalid_argument, "simdense::DenseLayer::jacobian_z: d partially overlaps z",
               [] { auto z = mem(); DenseLayer L(4, 2, Activation::tanh); L.jacobian_z(z.data(), z.data() + 1); }});
  r.push_back({"Network", "a layer size 0", Want::invalid_argument, "simdense::Network: sizes[1] is 0",
               [] { Network net({4, 0, 3}, Activation::relu, 1); }});
  r.push_back({"Network::train_step", "label >= output_size()", Want::out_of_range, "simdense::Network::train_step: label = 3 but output_size() = 3",
               [] { auto x = mem(); Network net({4, 5, 3}, Activation::relu, 1); net.train_step(x.data(), 3, 0.1f); }});
  r.push_back({"Network::train_step", "lr not finite", Want::invalid_argument, "simdense::Network::train_step: lr is not finite",
               [] { auto x = mem(); Network net({4, 5, 3}, Activation::relu, 1); net.train_step(x.data(), 1, NAN); }});
  r.push_back({"Network::layer", "i >= num_layers()", Want::out_of_range, "simdense::Network::layer: i = 2",
               [] { Network net({4, 5, 3}, Activation::relu, 1); net.layer(2); }});
}

void matvec_rows(std::vector<Row>& r) {
  const std::string mv = "simdense::matvec: ";
  r.push_back({"matvec", "ld < n", Want::invalid_argument, mv + "ld = 3 is shorter than a row (n = 4)",
               [] { auto W = mem(), x = mem(), y = mem(); matvec(W.data(), 2, 4, 3, x.data(), nullptr, y.data()); }});
  r.push_back({"matvec", "W null, m, n > 0", Want::invalid_argument, mv + "W is null but m = 2, n = 4",
               [] { auto x = mem(), y = mem(); matvec(nullptr, 2, 4, 4, x.data(), nullptr, y.data()); }});
  r.push_back({"matvec", "x null, n > 0", Want::invalid_argument, mv + "x is null but n = 4",
               [] { auto W = mem(), y = mem(); matvec(W.data(), 2, 4, 4, nullptr, nullptr, y.data()); }});
  r.push_back({"matvec", "y null, m > 0", Want::invalid_argument, mv + "y is null but m = 2",
               [] { auto W = mem(), x = mem(); matvec(W.data(), 2, 4, 4, x.data(), nullptr, nullptr); }});
  r.push_back({"matvec", "m * ld overflows size_t", Want::out_of_range, mv + "m * ld overflows",
               [] { auto W = mem(), x = mem(), y = mem(); matvec(W.data(), std::size_t(1) << 62, 4, std::size_t(1) << 62, x.data(), nullptr, y.data()); }});
  r.push_back({"matvec", "y overlaps W", Want::invalid_argument, mv + "W must not overlap y",
               [] { auto W = mem(), x = mem(); matvec(W.data(), 2, 4, 4, x.data(), nullptr, W.data() + 6); }});
  r.push_back({"matvec", "x overlaps W", Want::invalid_argument, mv + "W must not overlap x",
               [] { auto W = mem(), y = mem(); matvec(W.data(), 2, 4, 4, W.data() + 2, nullptr, y.data()); }});
  r.push_back({"matvec", "b overlaps W", Want::invalid_argument, mv + "W must not overlap b",
               [] { auto W = mem(), x = mem(), y = mem(); matvec(W.data(), 2, 4, 4, x.data(), W.data(), y.data()); }});
  r.push_back({"matvec", "y overlaps x", Want::invalid_argument, mv + "y must not overlap x",
               [] { auto W = mem(), x = mem(); matvec(W.data(), 2, 4, 4, x.data(), nullptr, x.data() + 1); }});
  r.push_back({"matvec", "y partially overlaps b", Want::invalid_argument, mv + "y partially overlaps b",
               [] { auto W = mem(), x = mem(), b = mem(); matvec(W.data(), 2, 4, 4, x.data(), b.data(), b.data() + 1); }});
  r.push_back({"matvec", "y == b (in place), b null (no bias)", Want::accepted, "",
               [] { auto W = mem(), x = mem(), b = mem(), y = mem(); matvec(W.data(), 2, 4, 4, x.data(), b.data(), b.data()); matvec(W.data(), 2, 4, 4, x.data(), nullptr, y.data()); }});
  r.push_back({"matvec", "m = 0 or n = 0 with null W", Want::accepted, "",
               [] { auto x = mem(), y = mem(); matvec(nullptr, 0, 4, 4, x.data(), nullptr, nullptr); matvec(nullptr, 2, 0, 0, nullptr, nullptr, y.data()); }});
  const std::string ma = "simdense::matvec_act: ";
  r.push_back({"matvec_act", "f not an Activation", Want::invalid_argument, ma + "f = 42 is not an Activation",
               [] { auto W = mem(), x = mem(), h = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, static_cast<Activation>(42), 0.0f, nullptr, h.data()); }});
  r.push_back({"matvec_act", "alpha not finite (elu)", Want::invalid_argument, ma + "alpha must be finite",
               [] { auto W = mem(), x = mem(), h = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, Activation::elu, std::numeric_limits<float>::infinity(), nullptr, h.data()); }});
  r.push_back({"matvec_act", "alpha NaN (leaky_relu)", Want::invalid_argument, ma + "alpha must be finite",
               [] { auto W = mem(), x = mem(), h = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, Activation::leaky_relu, std::numeric_limits<float>::quiet_NaN(), nullptr, h.data()); }});
  r.push_back({"matvec_act", "h null, m > 0", Want::invalid_argument, ma + "h is null but m = 2",
               [] { auto W = mem(), x = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, Activation::relu, 0.0f, nullptr, nullptr); }});
  r.push_back({"matvec_act", "z overlaps h", Want::invalid_argument, ma + "z must not overlap h",
               [] { auto W = mem(), x = mem(), h = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, Activation::relu, 0.0f, h.data() + 1, h.data()); }});
  r.push_back({"matvec_act", "h overlaps x", Want::invalid_argument, ma + "h must not overlap x",
               [] { auto W = mem(), x = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, Activation::relu, 0.0f, nullptr, x.data()); }});
  r.push_back({"matvec_act", "z overlaps W", Want::invalid_argument, ma + "W must not overlap z",
               [] { auto W = mem(), x = mem(), h = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, Activation::relu, 0.0f, W.data(), h.data()); }});
  r.push_back({"matvec_act", "z == b and h separate (in place), z null", Want::accepted, "",
               [] { auto W = mem(), x = mem(), b = mem(), h = mem(); matvec_act(W.data(), 2, 4, 4, x.data(), b.data(), Activation::gelu, 0.0f, b.data(), h.data()); matvec_act(W.data(), 2, 4, 4, x.data(), nullptr, Activation::tanh, 0.0f, nullptr, h.data()); }});
  for (const char* name : {"matvec_t", "matvec_t_acc"}) {
    const std::string pre = std::string("simdense::") + name + ": ";
    const bool acc = std::string(name) == "matvec_t_acc";
    auto f = [acc](const float* W, std::size_t m, std::size_t n, std::size_t ld, const float* v, float* y) {
      if (acc) matvec_t_acc(W, m, n, ld, v, y); else matvec_t(W, m, n, ld, v, y);
    };
    r.push_back({name, "ld < n", Want::invalid_argument, pre + "ld = 2 is shorter than a row (n = 4)",
                 [f] { auto W = mem(), v = mem(), y = mem(); f(W.data(), 2, 4, 2, v.data(), y.data()); }});
    r.push_back({name, "v null, m > 0", Want::invalid_argument, pre + "v is null but m = 2",
                 [f] { auto W = mem(), y = mem(); f(W.data(), 2, 4, 4, nullptr, y.data()); }});
    r.push_back({name, "y null, n > 0", Want::invalid_argument, pre + "y is null but n = 4",
                 [f] { auto W = mem(), v = mem(); f(W.data(), 2, 4, 4, v.data(), nullptr); }});
    r.push_back({name, "y overlaps v", Want::invalid_argument, pre + "y must not overlap v",
                 [f] { auto W = mem(), v = mem(); f(W.data(), 2, 4, 4, v.data(), v.data()); }});
    r.push_back({name, "y overlaps W", Want::invalid_argument, pre + "W must not overlap y",
                 [f] { auto W = mem(), v = mem(); f(W.data(), 2, 4, 4, v.data(), W.data() + 4); }});
    r.push_back({name, "m = 0 (y = 0, or unchanged for _acc), n = 0 with null W and y", Want::accepted, "",
                 [f] { auto y = mem(), v = mem(); f(nullptr, 0, 4, 4, nullptr, y.data()); f(nullptr, 2, 0, 0, v.data(), nullptr); }});
  }
  const std::string ao = "simdense::add_outer: ";
  r.push_back({"add_outer", "ld < n", Want::invalid_argument, ao + "ld = 1 is shorter than a row (n = 4)",
               [] { auto W = mem(), u = mem(), v = mem(); add_outer(W.data(), 2, 4, 1, 1.0f, u.data(), v.data()); }});
  r.push_back({"add_outer", "u null, m, n > 0", Want::invalid_argument, ao + "u is null but m = 2",
               [] { auto W = mem(), v = mem(); add_outer(W.data(), 2, 4, 4, 1.0f, nullptr, v.data()); }});
  r.push_back({"add_outer", "v null, m, n > 0", Want::invalid_argument, ao + "v is null but n = 4",
               [] { auto W = mem(), u = mem(); add_outer(W.data(), 2, 4, 4, 1.0f, u.data(), nullptr); }});
  r.push_back({"add_outer", "u overlaps W", Want::invalid_argument, ao + "W must not overlap u",
               [] { auto W = mem(), v = mem(); add_outer(W.data(), 2, 4, 4, 1.0f, W.data() + 7, v.data()); }});
  r.push_back({"add_outer", "v overlaps W", Want::invalid_argument, ao + "W must not overlap v",
               [] { auto W = mem(), u = mem(); add_outer(W.data(), 2, 4, 4, 1.0f, u.data(), W.data()); }});
  r.push_back({"add_outer", "u == v (overlap allowed), m = 0 with nulls", Want::accepted, "",
               [] { auto W = mem(), u = mem(); add_outer(W.data(), 2, 2, 2, 1.0f, u.data(), u.data()); add_outer(nullptr, 0, 4, 4, 1.0f, nullptr, nullptr); }});
  r.push_back({"dot", "x null, n > 0", Want::invalid_argument, "simdense::dot: x is null but n = 3",
               [] { auto y = mem(); dot(nullptr, y.data(), 3); }});
  r.push_back({"dot", "y null, n > 0", Want::invalid_argument, "simdense::dot: y is null but n = 3",
               [] { auto x = mem(); dot(x.data(), nullptr, 3); }});
  r.push_back({"dot", "x and y overlapping (allowed), n = 0 with nulls (0)", Want::accepted, "",
               [] { auto x = mem(); dot(x.data(), x.data() + 1, 8); if (dot(nullptr, nullptr, 0) != 0.0f) throw std::logic_error("dot of nothing is not 0"); }});
  r.push_back({"axpy", "x null, n > 0", Want::invalid_argument, "simdense::axpy: x is null but n = 3",
               [] { auto y = mem(); axpy(1.0f, nullptr, y.data(), 3); }});
  r.push_back({"axpy", "y null, n > 0", Want::invalid_argument, "simdense::axpy: y is null but n = 3",
               [] { auto x = mem(); axpy(1.0f, x.data(), nullptr, 3); }});
  r.push_back({"axpy", "y partially overlaps x", Want::invalid_argument, "simdense::axpy: y partially overlaps x",
               [] { auto x = mem(); axpy(1.0f, x.data(), x.data() + 2, 5); }});
  r.push_back({"axpy", "y == x (in place)", Want::accepted, "", [] { auto x = mem(); axpy(2.0f, x.data(), x.data(), 5); }});
}

const std::vector<Row>& rows() {
  static const std::vector<Row> v = [] {
    std::vector<Row> r;
    // ---- isa.hpp
    r.push_back({"parse_isa", "unknown name", Want::invalid_argument, "unknown ISA 'avx9'",
                 [] { parse_isa("avx9"); }});
    r.push_back({"set_isa(name)", "unknown name", Want::invalid_argument,
                 "simdense::set_isa: name: simdense: unknown ISA 'AVX2'", [] { set_isa("AVX2"); }});
    r.push_back({"set_isa(name)", "empty name", Want::invalid_argument, "unknown ISA ''",
                 [] { set_isa(""); }});
    r.push_back({"set_isa(Isa)", "ISA this CPU lacks (or not an Isa value)", Want::invalid_argument,
                 "is not supported by this CPU; available: scalar",
                 [] { set_isa(unsupported_isa()); }});
    // ---- math.hpp
    elementwise_rows(r, "exp", [](const float* x, float* y, std::size_t n) { simdense::exp(x, y, n); });
    elementwise_rows(r, "log1p",
                     [](const float* x, float* y, std::size_t n) { simdense::log1p(x, y, n); });
    // ---- softmax.hpp
    softmax_rows(r);
    // ---- activations.hpp
    activation_rows(r);
    // ---- matvec.hpp
    matvec_rows(r);
    // ---- dense.hpp
    dense_rows(r);
    return r;
  }();
  return v;
}

// Every public array kernel as a call on guarded buffers, for the memory-bounds test: `in` are
// the input arrays and `out` the output arrays the contract gives it, all of length n.
struct BoundsCall {
  std::string name;
  int inputs, outputs;
  std::function<void(const std::vector<float*>& in, const std::vector<float*>& out, std::size_t n)> call;
};

const std::vector<BoundsCall>& bounds_calls() {
  static const std::vector<BoundsCall> v = [] {
    std::vector<BoundsCall> r;
    r.push_back({"exp", 1, 1, [](auto& in, auto& out, std::size_t n) { simdense::exp(in[0], out[0], n); }});
    r.push_back({"log1p", 1, 1, [](auto& in, auto& out, std::size_t n) { simdense::log1p(in[0], out[0], n); }});
    r.push_back({"softmax", 1, 1, [](auto& in, auto& out, std::size_t n) { softmax(in[0], out[0], n); }});
    r.push_back({"log_softmax", 1, 1, [](auto& in, auto& out, std::size_t n) { log_softmax(in[0], out[0], n); }});
    r.push_back({"softmax_backward", 2, 1, [](auto& in, auto& out, std::size_t n) { softmax_backward(in[0], in[1], out[0], n); }});
    r.push_back({"log_softmax_backward", 2, 1, [](auto& in, auto& out, std::size_t n) { log_softmax_backward(in[0], in[1], out[0], n); }});
    r.push_back({"cross_entropy", 1, 0, [](auto& in, auto&, std::size_t n) { if (n) cross_entropy(in[0], n, n - 1); }});
    r.push_back({"cross_entropy_grad", 1, 1, [](auto& in, auto& out, std::size_t n) { if (n) cross_entropy_grad(in[0], n, n / 2, out[0]); }});
    // targets (in[1]) hold special values: clamp them to probabilities in place first.
    auto probs = [](float* t, std::size_t n) { for (std::size_t i = 0; i < n; ++i) t[i] = std::isnan(t[i]) ? 0.5f : std::fmin(std::fabs(t[i]), 1.0f); };
    r.push_back({"cross_entropy_soft_grad", 2, 1, [probs](auto& in, auto& out, std::size_t n) { probs(in[1], n); cross_entropy_soft_grad(in[0], n, in[1], n, out[0]); }});
    for (Activation f : {Activation::identity, Activation::sigmoid, Activation::tanh, Activation::relu,
                         Activation::leaky_relu, Activation::elu, Activation::silu, Activation::gelu,
                         Activation::gelu_tanh, Activation::softplus}) {
      r.push_back({std::string("activation ") + activation_name(f), 1, 1,
                   [f](auto& in, auto& out, std::size_t n) { activation(f, in[0], out[0], n); }});
      r.push_back({std::string("activation_grad ") + activation_name(f), 2, 1,
                   [f](auto& in, auto& out, std::size_t n) { activation_grad(f, in[0], in[1], out[0], n); }});
      if (has_grad_from_output(f))
        r.push_back({std::string("activation_grad_from_output ") + activation_name(f), 2, 1,
                     [f](auto& in, auto& out, std::size_t n) { activation_grad_from_output(f, in[0], in[1], out[0], n); }});
    }
    r.push_back({"dot", 2, 0, [](auto& in, auto&, std::size_t n) { dot(in[0], in[1], n); }});
    r.push_back({"axpy", 1, 1, [](auto& in, auto& out, std::size_t n) { axpy(0.5f, in[0], out[0], n); }});
    // Matrices k x k (largest k with k*k <= n, ld = k) and vectors of k floats, placed once at
    // the start and once at the end of their buffers, so each touches both guard pages.
    auto side = [](std::size_t n) { std::size_t k = 0; while ((k + 1) * (k + 1) <= n) ++k; return k; };
    r.push_back({"matvec k x k", 3, 1, [side](auto& in, auto& out, std::size_t n) {
                   const std::size_t k = side(n), e = n - k * k, f = n - k;
                   matvec(in[0], k, k, k, in[1], in[2], out[0]);
                   matvec(in[0] + e, k, k, k, in[1] + f, in[2] + f, out[0] + f); }});
    r.push_back({"matvec_t_acc k x k", 2, 1, [side](auto& in, auto& out, std::size_t n) {
                   const std::size_t k = side(n), e = n - k * k, f = n - k;
                   matvec_t_acc(in[0], k, k, k, in[1], out[0]);
                   matvec_t_acc(in[0] + e, k, k, k, in[1] + f, out[0] + f); }});
    r.push_back({"add_outer k x k", 2, 1, [side](auto& in, auto& out, std::size_t n) {
                   const std::size_t k = side(n), e = n - k * k, f = n - k;
                   add_outer(out[0], k, k, k, 0.5f, in[0], in[1]);
                   add_outer(out[0] + e, k, k, k, 0.5f, in[0] + f, in[1] + f); }});
    r.push_back({"sigmoid_bce_grad", 2, 2, [probs](auto& in, auto& out, std::size_t n) { probs(in[1], n); sigmoid_bce_grad(in[0], in[1], n, out[0], out[1]); }});
    return r;
  }();
  return v;
}

const char* want_name(Want w) {
  switch (w) {
    case Want::invalid_argument: return "std::invalid_argument";
    case Want::out_of_range: return "std::out_of_range";
    case Want::accepted: return "accepted";
  }
  return "?";
}

}  // namespace

TEST_SUITE("contract") {
  TEST_CASE("each row of the contract table") {
    test::for_each_isa([](Isa isa) {
      for (const Row& row : rows()) {
        const std::string label = std::string(isa_name(isa)) + ": " + row.function + ": " +
                                  row.input + " -> " + want_name(row.want);
        SUBCASE(label.c_str()) {
          std::string got = "no exception";
          try {
            row.call();
          } catch (const std::out_of_range& e) {
            got = std::string("std::out_of_range: ") + e.what();
          } catch (const std::invalid_argument& e) {
            got = std::string("std::invalid_argument: ") + e.what();
          } catch (const std::exception& e) {
            got = std::string("other exception: ") + e.what();
          }
          INFO("got: " << got);
          if (row.want == Want::accepted) {
            CHECK(got == "no exception");
          } else {
            CHECK(got.rfind(std::string(want_name(row.want)) + ": ", 0) == 0);
            CHECK(got.find(row.needle) != std::string::npos);
          }
          CHECK(active_isa() == isa);  // a refused call changes nothing
        }
      }
    });
  }

  TEST_CASE("no kernel reads or writes outside its arrays: guard pages on both sides, every tail") {
    // Buffers end at (Guard::back) or start at (Guard::front) a PROT_NONE page: one float past
    // either end faults, in any build. Every size of test::tail_sizes(), in and out of place.
    test::for_each_isa([](Isa) {
      const auto& sp = test::special_floats();
      for (const auto& k : bounds_calls()) {
        CAPTURE(k.name);
        for (std::size_t n : test::tail_sizes()) {
          CAPTURE(n);
          for (test::Guard g : {test::Guard::back, test::Guard::front}) {
            std::vector<std::unique_ptr<test::GuardedBuffer>> bufs;
            std::vector<float*> in, out;
            for (int j = 0; j < k.inputs + k.outputs; ++j) {
              bufs.push_back(std::make_unique<test::GuardedBuffer>(n, g));
              for (std::size_t i = 0; i < n; ++i) (*bufs.back())[i] = sp[(i * 7 + std::size_t(j)) % sp.size()];
              (j < k.inputs ? in : out).push_back(bufs.back()->data());
            }
            k.call(in, out, n);
          }
        }
      }
    });
  }

  TEST_CASE("SIMDENSE_PRINT_CONTRACT=1 prints the README's contract table") {
    // The README table is generated from rows(), so the two cannot drift apart:
    //   SIMDENSE_PRINT_CONTRACT=1 build/release/tests/simdense_tests --test-suite=contract
    if (std::getenv("SIMDENSE_PRINT_CONTRACT") == nullptr) return;
    std::vector<std::string> order;
    std::map<std::string, std::pair<std::string, std::string>> cells;  // refused, accepted
    for (const Row& row : rows()) {
      if (!cells.count(row.function)) order.push_back(row.function);
      auto& c = cells[row.function];
      if (row.want == Want::accepted) {
        c.second += (c.second.empty() ? "" : "; ") + row.input;
      } else {
        const std::string type = row.want == Want::out_of_range ? "out_of_range" : "invalid_argument";
        c.first += (c.first.empty() ? "" : "<br>") + row.input + " → `" + type + "`";
      }
    }
    std::printf("| function | bad input → exception | accepted edge inputs |\n|---|---|---|\n");
    for (const auto& f : order)
      std::printf("| `%s` | %s | %s |\n", f.c_str(), cells[f].first.c_str(), cells[f].second.c_str());
  }

  TEST_CASE("every row names a function of the public API once per input") {
    // Guards the table itself: no duplicate rows, every refused row has a message to match.
    for (std::size_t i = 0; i < rows().size(); ++i) {
      CAPTURE(rows()[i].function + ": " + rows()[i].input);
      CHECK((rows()[i].want == Want::accepted || !rows()[i].needle.empty()));
      for (std::size_t j = i + 1; j < rows().size(); ++j)
        CHECK(!(rows()[i].function == rows()[j].function && rows()[i].input == rows()[j].input));
    }
  }
}
