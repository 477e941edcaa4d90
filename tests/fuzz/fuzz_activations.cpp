// Differential fuzz target: the activations family (simdense/activations.hpp) on each SIMD ISA,
// every function as a named call and through activation()/activation_grad(), forward, backward
// from x, and backward from the output; checked against long double values with the header's
// ULP bounds (forward: the table; backward dy * f'(x): f' bound + 1 ULP when dy != +-1; silu',
// gelu', gelu_tanh' within 0.1 of their root: 1e-7 |dy| absolute; from the output: <= 2 ULP of
// the formula applied to y, + 1 for dy). NaN must match NaN; the documented signs of zero of the
// forward functions must match; refusals (non-finite alpha) must be identical.
#include <cfloat>
#include <deque>

#include "fuzz_elementwise.hpp"

namespace {

using fuzz::EwCase;
using fuzz::Tol;
using simdense::Activation;
using simdense::Isa;
using LD = long double;

constexpr Activation kAll[] = {Activation::identity, Activation::sigmoid,   Activation::tanh,
                               Activation::relu,     Activation::leaky_relu, Activation::elu,
                               Activation::silu,     Activation::gelu,      Activation::gelu_tanh,
                               Activation::softplus};

bool has_alpha(Activation f) { return f == Activation::leaky_relu || f == Activation::elu; }

// f' bound in ULPs (simdense/activations.hpp), and the root of f' for the three with one.
std::int64_t grad_ulps(Activation f, Isa isa, float alpha) {
  const bool sse2 = isa == Isa::sse2;
  switch (f) {
    case Activation::identity: case Activation::relu: case Activation::leaky_relu: return 0;
    case Activation::sigmoid: case Activation::tanh: return 4;
    case Activation::elu: return alpha != 1.0f ? 2 : 1;
    case Activation::silu: case Activation::gelu_tanh: return 16;
    case Activation::gelu: return sse2 ? 24 : 16;
    case Activation::softplus: return 2;
  }
  return 0;
}
float grad_root(Activation f) {
  switch (f) {
    case Activation::silu: return -1.2785f;
    case Activation::gelu: return -0.7518f;
    case Activation::gelu_tanh: return -0.7525f;
    default: return NAN;
  }
}

Tol fwd_tol(Activation f, Isa isa, float x, float p) {
  return {fuzz::act_ulps(f, isa, x, has_alpha(f) ? p : default_alpha(f))};
}

Tol grad_tol(Activation f, Isa isa, float x, float dy, float p) {
  const float alpha = has_alpha(f) ? p : default_alpha(f);
  const std::int64_t extra = (dy == 1.0f || dy == -1.0f) ? 0 : 1;
  Tol t{grad_ulps(f, isa, alpha) + (grad_ulps(f, isa, alpha) == 0 && extra ? 0 : extra)};
  if (!std::isnan(grad_root(f)) && std::fabs(x - grad_root(f)) <= 0.1f) t.abs = 1e-7 * std::fabs(double(dy));
  return t;
}

// dy * f'(x) exactly. For dy = +-inf and finite x, f'(x) is nonzero (it only underflows, even
// in long double for |x| > 5678): the product is +-inf with the sign of f'(x), for the
// activations whose kernels promise it (activations.hpp): sigmoid', tanh', softplus' > 0,
// elu'(x < 0) has the sign of alpha, silu', gelu', gelu_tanh' < 0 where they underflow (x < -1.28,
// -0.75, -0.75).
LD grad_exact_of(Activation f, float x, float dy, float alpha) {
  const LD fp = fuzz::act_grad_ref(f, x, alpha);
  if (std::isinf(dy) && std::isfinite(x) && fp == 0) {
    switch (f) {
      case Activation::sigmoid: case Activation::tanh: case Activation::softplus: return LD(dy);
      case Activation::elu: if (x < 0 && alpha != 0) return LD(dy) * (alpha > 0 ? 1 : -1); break;
      case Activation::silu: case Activation::gelu: case Activation::gelu_tanh:
        if (x < 0) return -LD(dy);
        break;
      default: break;
    }
  }
  return LD(dy) * fp;
}

std::vector<EwCase> make_cases() {
  std::vector<EwCase> v;
  for (Activation f : kAll) {
    const std::string name = simdense::activation_name(f);
    const bool a = has_alpha(f);
    const float lo = a ? (f == Activation::elu ? 1.0f : 0.01f) : 0.0f, hi = a ? 0.3f : 0.0f;
    auto fwd_exact = [f, a](float x, float, float p) { return fuzz::act_ref(f, x, a ? p : default_alpha(f)); };
    auto grad_exact = [f, a](float x, float dy, float p) {
      return grad_exact_of(f, x, dy, a ? p : default_alpha(f));
    };
    auto ft = [f](Isa isa, float x, float, float p) { return fwd_tol(f, isa, x, p); };
    auto gt = [f](Isa isa, float x, float dy, float p) { return grad_tol(f, isa, x, dy, p); };
    // Generic entry points (the activation as a value), alpha passed explicitly.
    EwCase gen{nullptr, 1, [f](const float* x, const float*, float* y, std::size_t n, float p) {
                 simdense::activation(f, x, y, n, p);
               }, ft, a, 1, true, 20.0f, lo, hi, fwd_exact};
    static std::deque<std::string> names;  // stable storage for the case names
    names.push_back("activation(" + name + ")");
    gen.name = names.back().c_str();
    v.push_back(gen);
    EwCase gg{nullptr, 2, [f](const float* x, const float* dy, float* dx, std::size_t n, float p) {
                simdense::activation_grad(f, x, dy, dx, n, p);
              }, gt, a, 3, false, 20.0f, lo, hi, grad_exact};
    names.push_back("activation_grad(" + name + ")");
    gg.name = names.back().c_str();
    v.push_back(gg);
    if (simdense::has_grad_from_output(f)) {
      // From the output y: the formula of the header applied to the float y, in long double.
      auto yexact = [f](float y, float dy, float p) -> LD {
        const LD Y = y;
        if (std::isnan(y)) return Y;  // NaN propagates
        switch (f) {
          case Activation::sigmoid: return LD(dy) * Y * (1 - Y);
          case Activation::tanh: return LD(dy) * (1 - Y) * (1 + Y);
          case Activation::relu: return y > 0 ? LD(dy) : LD(dy) * 0;
          default: return y > 0 ? LD(dy) : LD(dy) * (Y + p);  // elu
        }
      };
      EwCase gy{nullptr, 2, [f](const float* y, const float* dy, float* dx, std::size_t n, float p) {
                  simdense::activation_grad_from_output(f, y, dy, dx, n, p);
                }, [f](Isa, float, float dy, float) {
                  return Tol{f == Activation::relu ? 0 : 2 + ((dy == 1.0f || dy == -1.0f) ? 0 : 1)};
                }, f == Activation::elu, 3, false, 1.0f, 1.0f, 0.5f, yexact};
      names.push_back("activation_grad_from_output(" + name + ")");
      gy.name = names.back().c_str();
      // y is an output of f: sigmoid [0, 1], tanh [-1, 1], relu [0, inf], elu [-alpha, inf]
      // (NaN kept). Outside, the float formula may overflow where the scalar one does not.
      gy.domain_a = [f](float y, float p) -> float {
        if (std::isnan(y)) return y;
        switch (f) {
          case Activation::sigmoid: return std::fmin(std::fabs(y), 1.0f);
          case Activation::tanh: return std::fmax(-1.0f, std::fmin(y, 1.0f));
          case Activation::relu: return std::fabs(y);
          default: return std::fmax(y, -std::fabs(p));
        }
      };
      v.push_back(gy);
    }
  }
  // The named functions (same kernels; their own argument checks and default alpha).
  using U = void (*)(const float*, float*, std::size_t);
  using G = void (*)(const float*, const float*, float*, std::size_t);
  const std::pair<Activation, std::pair<U, G>> named[] = {
      {Activation::sigmoid, {simdense::sigmoid, simdense::sigmoid_grad}},
      {Activation::tanh, {simdense::tanh, simdense::tanh_grad}},
      {Activation::relu, {simdense::relu, simdense::relu_grad}},
      {Activation::silu, {simdense::silu, simdense::silu_grad}},
      {Activation::gelu, {simdense::gelu, simdense::gelu_grad}},
      {Activation::gelu_tanh, {simdense::gelu_tanh, simdense::gelu_tanh_grad}},
      {Activation::softplus, {simdense::softplus, simdense::softplus_grad}},
  };
  for (const auto& [f, fg] : named) {
    const auto [fw, gr] = fg;
    auto fwd_exact = [f = f](float x, float, float) { return fuzz::act_ref(f, x, 0); };
    auto grad_exact = [f = f](float x, float dy, float) { return grad_exact_of(f, x, dy, 0); };
    v.push_back({simdense::activation_name(f),
                 1, [fw = fw](const float* x, const float*, float* y, std::size_t n, float) { fw(x, y, n); },
                 [f = f](Isa isa, float x, float, float p) { return fwd_tol(f, isa, x, p); }, false, 1,
                 true, 20.0f, 0, 0, fwd_exact});
    static std::deque<std::string> grad_names;
    grad_names.push_back(std::string(simdense::activation_name(f)) + "_grad");
    v.push_back({grad_names.back().c_str(),
                 2, [gr = gr](const float* x, const float* dy, float* dx, std::size_t n, float) { gr(x, dy, dx, n); },
                 [f = f](Isa isa, float x, float dy, float p) { return grad_tol(f, isa, x, dy, p); }, false, 3,
                 false, 20.0f, 0, 0, grad_exact});
  }
  v.push_back({"leaky_relu", 1, [](const float* x, const float*, float* y, std::size_t n, float p) { simdense::leaky_relu(x, y, n, p); },
               [](Isa isa, float x, float, float p) { return fwd_tol(Activation::leaky_relu, isa, x, p); }, true, 1, true, 20.0f, 0.01f, 0.2f,
               [](float x, float, float p) { return fuzz::act_ref(Activation::leaky_relu, x, p); }});
  v.push_back({"elu_grad", 2, [](const float* x, const float* dy, float* dx, std::size_t n, float p) { simdense::elu_grad(x, dy, dx, n, p); },
               [](Isa isa, float x, float dy, float p) { return grad_tol(Activation::elu, isa, x, dy, p); }, true, 3, false, 20.0f, 1.0f, 0.5f,
               [](float x, float dy, float p) { return grad_exact_of(Activation::elu, x, dy, p); }});
  return v;
}

const std::vector<EwCase>& cases() {
  static const std::vector<EwCase> c = make_cases();
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return fuzz::run_elementwise(data, size, cases());
}
